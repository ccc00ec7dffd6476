//! The arithmetic of dashboards, kept free of storage: the funnel of the démarche (how many sheets
//! reached each phase), the median time between two phases, and capitalisation coverage.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::vocabulary::{Phase, Vocabulary};

/// How many sheets of a group went furthest to one phase (`None`: they recorded none), and how many
/// of them a published lesson is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FurthestCount {
    /// The group the sheets are counted in (a programme, a structure), `None` for none.
    pub group: Option<i64>,
    pub furthest: Option<Phase>,
    pub sheets: u64,
    pub covered: u64,
}

/// A sheet of a group that dated the start of both phases of a funnel's span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub group: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
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

/// Computes the funnel of each group, largest group first (sheets without a group last): the sheets
/// that reached each phase (a sheet reached every phase up to its furthest), coverage, and the median
/// time of the spans (negative spans, a later phase dated before an earlier one, are left out).
pub fn funnels(counts: &[FurthestCount], spans: &[Span]) -> Vec<Funnel> {
    let mut groups: BTreeMap<Option<i64>, (Vec<&FurthestCount>, Vec<i64>)> = BTreeMap::new();
    for count in counts {
        groups.entry(count.group).or_default().0.push(count);
    }
    for span in spans {
        let days = (span.to - span.from).num_days();
        if days >= 0 {
            groups.entry(span.group).or_default().1.push(days);
        }
    }
    let mut out: Vec<Funnel> = groups
        .into_iter()
        .map(|(group, (counts, mut days))| {
            let reached = Phase::ALL
                .iter()
                .map(|phase| {
                    let count = counts
                        .iter()
                        .filter(|count| count.furthest.is_some_and(|furthest| rank(furthest) >= rank(*phase)))
                        .map(|count| count.sheets)
                        .sum();
                    (*phase, count)
                })
                .collect();
            Funnel {
                group,
                sheets: counts.iter().map(|count| count.sheets).sum(),
                reached,
                covered: counts.iter().map(|count| count.covered).sum(),
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

    #[test]
    fn a_sheet_reached_every_phase_before_its_furthest() {
        let count = |furthest: Phase, sheets: u64, covered: u64| FurthestCount {
            group: Some(1),
            furthest: Some(furthest),
            sheets,
            covered,
        };
        let counts = vec![count(Phase::Launch, 2, 1), count(Phase::NeedsDetection, 1, 0)];
        let day = |day: u32| NaiveDate::from_ymd_opt(2024, 1, day).expect("a date");
        let spans = vec![
            Span { group: Some(1), from: day(1), to: day(21) },
            Span { group: Some(1), from: day(1), to: day(11) },
            Span { group: Some(1), from: day(20), to: day(2) },
        ];
        let funnel = &funnels(&counts, &spans)[0];
        assert_eq!(funnel.sheets, 3);
        let reached: HashMap<Phase, u64> = funnel.reached.iter().copied().collect();
        assert_eq!(reached[&Phase::NeedsDetection], 3);
        assert_eq!(reached[&Phase::HolderSearch], 2, "a launched sheet went through the holder search");
        assert_eq!(reached[&Phase::Launch], 2);
        assert_eq!(reached[&Phase::Consolidation], 0);
        assert_eq!(funnel.covered, 1);
        assert_eq!((funnel.median_days, funnel.measured), (Some(15.0), 2), "a negative span is left out");
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
