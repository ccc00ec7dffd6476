//! The arithmetic of dashboards, kept free of storage: the funnel of the démarche (how many sheets
//! reached each phase), the median time between two phases, and capitalisation coverage.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::vocabulary::{Phase, Vocabulary};

/// One sheet's phase record, as the funnel reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPhase {
    /// The group the sheet is counted in (a programme, a structure), `None` for none.
    pub group: Option<i64>,
    pub sheet: i64,
    pub phase: Option<Phase>,
    pub started_on: Option<NaiveDate>,
    /// A published lesson is linked to the sheet.
    pub covered: bool,
}

/// The funnel of one group of sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub group: Option<i64>,
    pub sheets: u64,
    /// For every phase of the démarche, in order, the sheets that reached it: a sheet reached a
    /// phase when it has a record of that phase or of a later one.
    pub reached: Vec<(Phase, u64)>,
    /// Sheets with at least one published lesson.
    pub covered: u64,
    /// The median number of days from the start of one phase to the start of another, over the
    /// sheets that dated both (`measured` of them); `None` when none did.
    pub median_days: Option<f64>,
    pub measured: u64,
}

fn rank(phase: Phase) -> usize {
    Phase::ALL.iter().position(|known| *known == phase).unwrap_or(0)
}

/// The median of some values (the mean of the two middle ones for an even count).
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) as f64 / 2.0
    } else {
        values[middle] as f64
    })
}

/// Computes the funnel of each group, largest group first (sheets without a group last), with the
/// median time from `from` to `to`.
pub fn funnels(rows: &[SheetPhase], from: Phase, to: Phase) -> Vec<Funnel> {
    #[derive(Default)]
    struct Sheet {
        furthest: Option<usize>,
        covered: bool,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    }
    let mut groups: BTreeMap<Option<i64>, HashMap<i64, Sheet>> = BTreeMap::new();
    for row in rows {
        let sheet = groups.entry(row.group).or_default().entry(row.sheet).or_default();
        sheet.covered |= row.covered;
        if let Some(phase) = row.phase {
            sheet.furthest = sheet.furthest.max(Some(rank(phase)));
            if phase == from {
                sheet.from = sheet.from.or(row.started_on);
            }
            if phase == to {
                sheet.to = sheet.to.or(row.started_on);
            }
        }
    }
    let mut out: Vec<Funnel> = groups
        .into_iter()
        .map(|(group, sheets)| {
            let reached = Phase::ALL
                .iter()
                .map(|phase| {
                    let count =
                        sheets.values().filter(|sheet| sheet.furthest.is_some_and(|f| f >= rank(*phase))).count();
                    (*phase, count as u64)
                })
                .collect();
            let mut days: Vec<i64> = sheets
                .values()
                .filter_map(|sheet| Some((sheet.to? - sheet.from?).num_days()))
                .filter(|days| *days >= 0)
                .collect();
            Funnel {
                group,
                sheets: sheets.len() as u64,
                reached,
                covered: sheets.values().filter(|sheet| sheet.covered).count() as u64,
                measured: days.len() as u64,
                median_days: median(&mut days),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.group.is_none().cmp(&b.group.is_none()).then(b.sheets.cmp(&a.sheets)).then(a.group.cmp(&b.group))
    });
    out
}

/// The distinct sheets among rows (for totals across groups).
pub fn distinct_sheets(rows: &[SheetPhase]) -> usize {
    rows.iter().map(|row| row.sheet).collect::<BTreeSet<_>>().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(sheet: i64, phase: Phase, day: u32) -> SheetPhase {
        SheetPhase {
            group: Some(1),
            sheet,
            phase: Some(phase),
            started_on: NaiveDate::from_ymd_opt(2024, 1, day),
            covered: sheet == 1,
        }
    }

    #[test]
    fn a_sheet_reached_every_phase_before_its_furthest() {
        let rows = vec![
            row(1, Phase::OpportunityStudy, 1),
            row(1, Phase::Launch, 21),
            row(2, Phase::OpportunityStudy, 1),
            row(2, Phase::Launch, 11),
            row(3, Phase::NeedsDetection, 1),
        ];
        let funnel = &funnels(&rows, Phase::OpportunityStudy, Phase::Launch)[0];
        assert_eq!(funnel.sheets, 3);
        let reached: HashMap<Phase, u64> = funnel.reached.iter().copied().collect();
        assert_eq!(reached[&Phase::NeedsDetection], 3);
        assert_eq!(reached[&Phase::HolderSearch], 2, "a launched sheet went through the holder search");
        assert_eq!(reached[&Phase::Launch], 2);
        assert_eq!(reached[&Phase::Consolidation], 0);
        assert_eq!(funnel.covered, 1);
        assert_eq!((funnel.median_days, funnel.measured), (Some(15.0), 2));
    }

    #[test]
    fn the_median_of_nothing_is_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
    }
}
