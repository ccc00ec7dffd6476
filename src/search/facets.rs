//! Counting over every matching document: the `FacetCounts` collector behind a search's facets,
//! and the group counts (`Grouped`, `group_counts`) and matching lists (`matching`) the statistics
//! read, with their tantivy collectors over the dimensions' fast columns.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use super::{Dimension, SearchIndex, SearchRequest, Synonyms, internal};
use crate::error::Result;

/// A grouped count: the matching documents, and each combination of values with its count,
/// largest first.
#[derive(Debug, Clone, Default)]
pub struct Grouped {
    pub total: usize,
    pub rows: Vec<(Vec<String>, u64)>,
}

impl SearchIndex {
    /// Counts the documents matching a request (its text, filters and visibility) grouped by one or
    /// two dimensions: a document counts once in each combination of its values (a sheet with two
    /// themes counts under both); documents without a value of a dimension are not in its rows.
    /// Returns the number of matching documents and the rows, largest first. Blocking.
    pub fn group_counts(
        &self,
        request: &SearchRequest,
        synonyms: &Synonyms,
        group_by: &[Dimension],
    ) -> Result<Grouped> {
        let searcher = self.reader.searcher();
        // Counts do not depend on what lifts the ranking: no filter read from the words.
        let (full, _) = self.query(&searcher, request, synonyms, &[]);
        let collector = GroupCounts { dimensions: group_by.to_vec() };
        let (total, groups) = searcher.search(&full, &(Count, collector)).map_err(internal)?;
        let mut rows: Vec<(Vec<String>, u64)> = groups.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Grouped { total, rows })
    }

    /// Returns the id of every document matching a request, with its values of `dimension` (none
    /// asked: an empty list). Blocking.
    pub fn matching(
        &self,
        request: &SearchRequest,
        synonyms: &Synonyms,
        dimension: Option<Dimension>,
    ) -> Result<Vec<(i64, Vec<String>)>> {
        let searcher = self.reader.searcher();
        // Counts do not depend on what lifts the ranking: no filter read from the words.
        let (full, _) = self.query(&searcher, request, synonyms, &[]);
        searcher.search(&full, &Matching { dimension }).map_err(internal)
    }
}

/// Counts the values of some dimensions over every matching document.
pub(super) struct FacetCounts {
    pub(super) dimensions: Vec<Dimension>,
}

pub(super) struct SegmentFacetCounts {
    columns: Vec<(Dimension, tantivy::columnar::StrColumn, Vec<u64>)>,
}

impl Collector for FacetCounts {
    type Fruit = BTreeMap<Dimension, HashMap<String, u64>>;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let mut columns = Vec::new();
        for dimension in &self.dimensions {
            if let Some(column) = segment.fast_fields().str(dimension.field_name())? {
                let counts = vec![0; column.num_terms()];
                columns.push((*dimension, column, counts));
            }
        }
        Ok(SegmentFacetCounts { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Dimension, HashMap<String, u64>)>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: BTreeMap<Dimension, HashMap<String, u64>> = BTreeMap::new();
        for fruit in fruits {
            for (dimension, counts) in fruit {
                let target = merged.entry(dimension).or_default();
                for (value, count) in counts {
                    *target.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Vec<(Dimension, HashMap<String, u64>)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (_, column, counts) in &mut self.columns {
            for ord in column.term_ords(doc) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.columns
            .into_iter()
            .map(|(dimension, column, counts)| {
                let mut values = HashMap::new();
                for (ord, count) in counts.into_iter().enumerate() {
                    let mut text = String::new();
                    if count > 0 && column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                        values.insert(text, count);
                    }
                }
                (dimension, values)
            })
            .collect()
    }
}

/// Counts the combinations of the values of one or two dimensions over every matching document.
struct GroupCounts {
    dimensions: Vec<Dimension>,
}

struct SegmentGroupCounts {
    columns: Vec<tantivy::columnar::StrColumn>,
    counts: HashMap<(u64, u64), u64>,
    first: Vec<u64>,
    second: Vec<u64>,
}

impl Collector for GroupCounts {
    type Fruit = HashMap<Vec<String>, u64>;
    type Child = SegmentGroupCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentGroupCounts> {
        let mut columns = Vec::new();
        for dimension in &self.dimensions {
            match segment.fast_fields().str(dimension.field_name())? {
                Some(column) => columns.push(column),
                // No document of this segment has a value: it adds no row.
                None => {
                    return Ok(SegmentGroupCounts {
                        columns: Vec::new(),
                        counts: HashMap::new(),
                        first: Vec::new(),
                        second: Vec::new(),
                    });
                }
            }
        }
        Ok(SegmentGroupCounts { columns, counts: HashMap::new(), first: Vec::new(), second: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<Vec<String>, u64>>) -> tantivy::Result<Self::Fruit> {
        let mut merged: HashMap<Vec<String>, u64> = HashMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *merged.entry(key).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentGroupCounts {
    type Fruit = HashMap<Vec<String>, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.columns.as_slice() {
            [first] => {
                for ord in first.term_ords(doc) {
                    *self.counts.entry((ord, 0)).or_default() += 1;
                }
            }
            [first, second] => {
                self.first.clear();
                self.first.extend(first.term_ords(doc));
                if self.first.is_empty() {
                    return;
                }
                self.second.clear();
                self.second.extend(second.term_ords(doc));
                for a in &self.first {
                    for b in &self.second {
                        *self.counts.entry((*a, *b)).or_default() += 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn harvest(self) -> Self::Fruit {
        let text = |column: &tantivy::columnar::StrColumn, ord: u64| {
            let mut text = String::new();
            column.ord_to_str(ord, &mut text).unwrap_or(false).then_some(text)
        };
        let mut out = HashMap::with_capacity(self.counts.len());
        for ((a, b), count) in self.counts {
            let key = match self.columns.as_slice() {
                [first] => text(first, a).map(|a| vec![a]),
                [first, second] => text(first, a).zip(text(second, b)).map(|(a, b)| vec![a, b]),
                _ => None,
            };
            if let Some(key) = key {
                *out.entry(key).or_default() += count;
            }
        }
        out
    }
}

/// Collects the id and the values of one dimension of every matching document.
struct Matching {
    dimension: Option<Dimension>,
}

struct SegmentMatching {
    ids: std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    column: Option<tantivy::columnar::StrColumn>,
    found: Vec<(i64, Vec<u64>)>,
}

impl Collector for Matching {
    type Fruit = Vec<(i64, Vec<String>)>;
    type Child = SegmentMatching;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentMatching> {
        let ids = segment.fast_fields().u64("id")?.first_or_default_col(0);
        let column = match self.dimension {
            Some(dimension) => segment.fast_fields().str(dimension.field_name())?,
            None => None,
        };
        Ok(SegmentMatching { ids, column, found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, Vec<String>)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatching {
    type Fruit = Vec<(i64, Vec<String>)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let id = self.ids.get_val(doc) as i64;
        let ords = self.column.as_ref().map(|column| column.term_ords(doc).collect()).unwrap_or_default();
        self.found.push((id, ords));
    }

    fn harvest(self) -> Self::Fruit {
        let column = self.column;
        self.found
            .into_iter()
            .map(|(id, ords)| {
                let values = ords
                    .into_iter()
                    .filter_map(|ord| {
                        let mut text = String::new();
                        column.as_ref()?.ord_to_str(ord, &mut text).unwrap_or(false).then_some(text)
                    })
                    .collect();
                (id, values)
            })
            .collect()
    }
}
