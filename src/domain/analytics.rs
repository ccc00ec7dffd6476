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

/// One indicator of one sheet, as the sums read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetIndicator {
    pub sheet: i64,
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// The sums of one indicator (by name and unit) over the sheets of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSum {
    /// The group's value (`None` when not grouped, or for sheets without a value).
    pub group: Option<String>,
    pub name: String,
    pub unit: String,
    /// Sheets that report the indicator.
    pub sheets: u64,
    /// Sums over the sheets that give a value (`None` when none does).
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// Sums indicators by group, name and unit. `groups` gives each matching sheet's group values (a
/// sheet counts in each of its groups; an empty list when not grouped puts it in the `None` group).
pub fn indicator_sums(
    groups: &[(i64, Vec<String>)],
    grouped: bool,
    indicators: &[SheetIndicator],
) -> Vec<IndicatorSum> {
    let mut by_sheet: HashMap<i64, Vec<&SheetIndicator>> = HashMap::new();
    for indicator in indicators {
        by_sheet.entry(indicator.sheet).or_default().push(indicator);
    }
    let mut sums: BTreeMap<(Option<String>, String, String), IndicatorSum> = BTreeMap::new();
    let add = |sum: Option<f64>, value: Option<f64>| match (sum, value) {
        (Some(sum), Some(value)) => Some(sum + value),
        (sum, value) => sum.or(value),
    };
    for (sheet, values) in groups {
        let Some(reported) = by_sheet.get(sheet) else { continue };
        let keys: Vec<Option<String>> = if grouped { values.iter().cloned().map(Some).collect() } else { vec![None] };
        for key in keys {
            for indicator in reported {
                let entry =
                    sums.entry((key.clone(), indicator.name.clone(), indicator.unit.clone())).or_insert_with(|| {
                        IndicatorSum {
                            group: key.clone(),
                            name: indicator.name.clone(),
                            unit: indicator.unit.clone(),
                            sheets: 0,
                            target: None,
                            actual: None,
                        }
                    });
                entry.sheets += 1;
                entry.target = add(entry.target, indicator.target);
                entry.actual = add(entry.actual, indicator.actual);
            }
        }
    }
    sums.into_values().collect()
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
    fn indicators_sum_per_group_name_and_unit() {
        let indicator = |sheet: i64, target: Option<f64>, actual: Option<f64>| SheetIndicator {
            sheet,
            name: "Véhicules réparés".into(),
            unit: "véhicules/an".into(),
            target,
            actual,
        };
        let indicators =
            vec![indicator(1, Some(100.0), Some(80.0)), indicator(2, Some(50.0), None), indicator(3, None, Some(5.0))];
        let groups = vec![(1, vec!["a".into()]), (2, vec!["a".into(), "b".into()]), (4, vec!["b".into()])];
        let sums = indicator_sums(&groups, true, &indicators);
        assert_eq!(sums.len(), 2);
        assert_eq!(
            (sums[0].group.as_deref(), sums[0].sheets, sums[0].target, sums[0].actual),
            (Some("a"), 2, Some(150.0), Some(80.0))
        );
        assert_eq!(
            (sums[1].group.as_deref(), sums[1].sheets, sums[1].target, sums[1].actual),
            (Some("b"), 1, Some(50.0), None)
        );
        let overall = indicator_sums(&groups, false, &indicators);
        assert_eq!((overall[0].sheets, overall[0].target), (2, Some(150.0)), "sheet 3 did not match");
    }

    #[test]
    fn the_median_of_nothing_is_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
    }
}
