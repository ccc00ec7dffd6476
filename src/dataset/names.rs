//! Names and references: `Names`, which maps slugs to ids and ids to slugs per kind, and the
//! methods of `Dataset` that walk the references and keys of its records (visiting, listing the
//! references it does not hold itself, dropping those to unknown records).

use std::collections::HashMap;

use super::{Dataset, EvidenceLinkForm};
use crate::domain::*;

/// Maps slugs to ids (when reading a dataset) and ids to slugs (when writing one), per kind.
#[derive(Debug, Default)]
pub struct Names {
    ids: HashMap<(Kind, String), i64>,
    slugs: HashMap<(Kind, i64), String>,
}

impl Names {
    pub fn insert(&mut self, kind: Kind, id: i64, slug: &str) {
        self.ids.insert((kind, slug.to_owned()), id);
        self.slugs.insert((kind, id), slug.to_owned());
    }

    pub(super) fn id<I: RecordId>(&self, p: &mut Problems, field: String, slug: &str) -> Option<I> {
        match self.ids.get(&(I::KIND, slug.to_owned())) {
            Some(id) => Some(I::new(*id)),
            None => {
                p.add(field, format!("no {} with slug `{slug}`", I::KIND.as_str()));
                None
            }
        }
    }

    pub(super) fn ids<I: RecordId>(&self, p: &mut Problems, field: &str, slugs: &[String]) -> Option<Vec<I>> {
        let found: Vec<Option<I>> =
            slugs.iter().enumerate().map(|(i, slug)| self.id(p, format!("{field}[{i}]"), slug)).collect();
        found.into_iter().collect()
    }

    /// Returns the slug of a record; `#ID` when it is not known, which no slug can be (a slug is
    /// made of a-z, 0-9 and hyphens), so that a reference to it is never taken for another record's.
    pub(super) fn slug<I: RecordId>(&self, id: I) -> String {
        self.slugs.get(&(I::KIND, id.get())).cloned().unwrap_or_else(|| format!("#{}", id.get()))
    }

    pub(super) fn slugs<I: RecordId>(&self, ids: &[I]) -> Vec<String> {
        ids.iter().map(|id| self.slug(*id)).collect()
    }
}

impl Names {
    /// Returns the id of the record of this kind and slug, when known.
    pub fn get(&self, kind: Kind, slug: &str) -> Option<i64> {
        self.ids.get(&(kind, slug.to_owned())).copied()
    }

    /// Returns whether a record of this kind and slug is known.
    pub fn contains(&self, kind: Kind, slug: &str) -> bool {
        self.ids.contains_key(&(kind, slug.to_owned()))
    }

    /// Returns whether the record of this kind and id is known.
    pub fn contains_id(&self, kind: Kind, id: i64) -> bool {
        self.slugs.contains_key(&(kind, id))
    }
}

/// A reference field of a record in the dataset form, read-only: one slug, a list of slugs, or a
/// lesson's evidence links (each names a sheet).
pub enum Slot<'a> {
    One(&'a Option<String>),
    Many(&'a Vec<String>),
    Evidence(&'a Vec<EvidenceLinkForm>),
}

/// A reference field of a record in the dataset form, to edit.
pub enum SlotMut<'a> {
    One(&'a mut Option<String>),
    Many(&'a mut Vec<String>),
    Evidence(&'a mut Vec<EvidenceLinkForm>),
}

/// The reference fields of each kind in the dataset form, written once: which field of which kind
/// names which kind of record. Expands to a shared and an exclusive walk (`syn` generates its
/// `Visit` and `VisitMut` the same way), so that reading and editing references cannot disagree.
/// The id-based form of the same list (`app::records::Editable::references`) is checked against
/// this one by a test.
macro_rules! reference_fields {
    ($(#[$doc:meta])* $name:ident, $slot:ident $(, $mut:tt)?) => {
        $(#[$doc])*
        pub fn $name<'a>(&'a $($mut)? self, mut visit: impl FnMut(Kind, $slot<'a>)) {
            for programme in &$($mut)? self.programmes {
                visit(Kind::Organisation, $slot::One(&$($mut)? programme.operator));
                visit(Kind::Organisation, $slot::Many(&$($mut)? programme.funders));
                visit(Kind::Programme, $slot::One(&$($mut)? programme.parent));
            }
            for sheet in &$($mut)? self.sheets {
                visit(Kind::Programme, $slot::Many(&$($mut)? sheet.programmes));
                visit(Kind::Territory, $slot::Many(&$($mut)? sheet.territories));
                visit(Kind::Organisation, $slot::One(&$($mut)? sheet.supporting_structure));
                visit(Kind::Organisation, $slot::One(&$($mut)? sheet.project_holder));
                visit(Kind::Organisation, $slot::Many(&$($mut)? sheet.partners));
            }
            for lesson in &$($mut)? self.lessons {
                visit(Kind::Sheet, $slot::Evidence(&$($mut)? lesson.evidence_links));
            }
        }
    };
}

impl Dataset {
    reference_fields!(
        /// Calls `visit` with every reference field of every record and the kind of record it names.
        reference_slots, Slot
    );
    reference_fields!(
        /// Calls `visit` with every reference field of every record, to edit, and the kind of record
        /// it names.
        reference_slots_mut, SlotMut, mut
    );

    /// Calls `visit` with every reference of every record (a slug, or an external id), and the kind
    /// of record it names.
    pub fn for_each_reference(&mut self, mut visit: impl FnMut(Kind, &mut String)) {
        self.reference_slots_mut(|kind, slot| match slot {
            SlotMut::One(one) => one.iter_mut().for_each(|r| visit(kind, r)),
            SlotMut::Many(many) => many.iter_mut().for_each(|r| visit(kind, r)),
            SlotMut::Evidence(links) => links.iter_mut().for_each(|link| visit(kind, &mut link.sheet)),
        });
    }

    /// Calls `visit` with every reference of every record and the kind of record it names.
    pub fn each_reference(&self, mut visit: impl FnMut(Kind, &str)) {
        self.reference_slots(|kind, slot| match slot {
            Slot::One(one) => one.iter().for_each(|r| visit(kind, r)),
            Slot::Many(many) => many.iter().for_each(|r| visit(kind, r)),
            Slot::Evidence(links) => links.iter().for_each(|link| visit(kind, &link.sheet)),
        });
    }

    /// Returns the kind, slug and external id of every record.
    pub fn keys(&self) -> impl Iterator<Item = (Kind, &str, Option<&str>)> {
        let organisations = self.organisations.iter().map(|r| (Kind::Organisation, &r.slug, &r.external_id));
        let territories = self.territories.iter().map(|r| (Kind::Territory, &r.slug, &r.external_id));
        let programmes = self.programmes.iter().map(|r| (Kind::Programme, &r.slug, &r.external_id));
        let sheets = self.sheets.iter().map(|r| (Kind::Sheet, &r.slug, &r.external_id));
        let lessons = self.lessons.iter().map(|r| (Kind::Lesson, &r.slug, &r.external_id));
        organisations
            .chain(territories)
            .chain(programmes)
            .chain(sheets)
            .chain(lessons)
            .map(|(kind, slug, external)| (kind, slug.as_str(), external.as_deref()))
    }

    /// Returns whether a record has an external id or an empty slug (its keys need settling).
    pub fn needs_settling(&self) -> bool {
        self.keys().any(|(_, slug, external)| slug.is_empty() || external.is_some())
    }

    /// Calls `visit` with the kind, slug, external id and title (or name) of every record.
    pub fn for_each_key(&mut self, mut visit: impl FnMut(Kind, &mut String, &Option<String>, &str)) {
        for r in &mut self.organisations {
            visit(Kind::Organisation, &mut r.slug, &r.external_id, &r.name);
        }
        for r in &mut self.territories {
            visit(Kind::Territory, &mut r.slug, &r.external_id, &r.name);
        }
        for r in &mut self.programmes {
            visit(Kind::Programme, &mut r.slug, &r.external_id, &r.name);
        }
        for r in &mut self.sheets {
            visit(Kind::Sheet, &mut r.slug, &r.external_id, &r.title);
        }
        for r in &mut self.lessons {
            visit(Kind::Lesson, &mut r.slug, &r.external_id, &r.title);
        }
    }

    /// Returns the slugs the records refer to that the dataset does not hold itself, per kind.
    pub fn references(&self) -> Vec<(Kind, Vec<String>)> {
        use std::collections::BTreeSet;
        let own = |kind: Kind| -> BTreeSet<&str> {
            self.keys().filter(|(of, _, _)| *of == kind).map(|(_, slug, _)| slug).collect()
        };
        let mut wanted: HashMap<Kind, BTreeSet<String>> = HashMap::new();
        self.each_reference(|kind, slug| {
            wanted.entry(kind).or_default().insert(slug.to_owned());
        });
        let mut out: Vec<(Kind, Vec<String>)> = wanted
            .into_iter()
            .map(|(kind, slugs)| {
                let own = own(kind);
                (kind, slugs.into_iter().filter(|slug| !own.contains(slug.as_str())).collect::<Vec<_>>())
            })
            .filter(|(_, slugs)| !slugs.is_empty())
            .collect();
        out.sort_by_key(|(kind, _)| *kind);
        out
    }

    /// Drops the references to records the dataset does not hold (an export of published records
    /// leaves drafts out, and a published sheet may name a draft organisation), so that it
    /// re-imports on its own.
    pub fn keeping_known_references(mut self, names: &Names) -> Self {
        let known = |kind: Kind, slug: &String| names.contains(kind, slug);
        self.reference_slots_mut(|kind, slot| match slot {
            SlotMut::One(one) => *one = one.take().filter(|slug| known(kind, slug)),
            SlotMut::Many(many) => many.retain(|slug| known(kind, slug)),
            SlotMut::Evidence(links) => links.retain(|link| known(kind, &link.sheet)),
        });
        self
    }
}
