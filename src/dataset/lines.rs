//! JSON Lines: one record per line, each naming its kind in a `record` field.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::*;

/// One line of a JSON Lines dataset: a record of any kind, named by its `record` field
/// (`{"record":"sheet","slug":…}`). Records refer to each other by slug, as in the JSON form; the
/// lines may come in any order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "lowercase")]
pub enum Line {
    Organisation(OrganisationRecord),
    Territory(TerritoryRecord),
    Programme(ProgrammeRecord),
    Sheet(SheetRecord),
    Lesson(LessonRecord),
}

/// Reads a JSON Lines dataset (blank lines and a `{"format":…}` header line allowed). Returns the
/// dataset and where each record came from, or every line that is not a valid record.
pub fn from_lines(text: &str) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    read("", text)
}

/// Reads a JSON Lines file: problems and records are located as `name:line`.
pub fn read(name: &str, text: &str) -> Result<(Dataset, Locations), Vec<FieldProblem>> {
    let mut dataset = Dataset { format: FORMAT.to_owned(), ..Dataset::default() };
    let mut lines = Locations::default();
    let place = |number: usize| if name.is_empty() { format!("line {number}") } else { format!("{name}:{number}") };
    let mut problems = Problems::default();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(raw) {
            Ok(Line::Organisation(record)) => {
                lines.insert("organisations", dataset.organisations.len(), place(number));
                dataset.organisations.push(record);
            }
            Ok(Line::Territory(record)) => {
                lines.insert("territories", dataset.territories.len(), place(number));
                dataset.territories.push(record);
            }
            Ok(Line::Programme(record)) => {
                lines.insert("programmes", dataset.programmes.len(), place(number));
                dataset.programmes.push(record);
            }
            Ok(Line::Sheet(record)) => {
                lines.insert("sheets", dataset.sheets.len(), place(number));
                dataset.sheets.push(record);
            }
            Ok(Line::Lesson(record)) => {
                lines.insert("lessons", dataset.lessons.len(), place(number));
                dataset.lessons.push(record);
            }
            Err(error) => {
                // Not a record: the format header, or a line in error.
                match serde_json::from_str::<HashMap<String, String>>(raw) {
                    Ok(header) if header.len() == 1 && header.contains_key("format") => {
                        let format = &header["format"];
                        if format != FORMAT {
                            problems.add(
                                format!("{}: format", place(number)),
                                format!("`{format}` is not a known format; expected `{FORMAT}`"),
                            );
                        }
                    }
                    _ => problems.add(place(number), error.to_string()),
                }
            }
        }
    }
    problems.into_result()?;
    Ok((dataset, lines))
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn lines_carry_their_kind_and_problems_their_line() {
        let text = "{\"format\":\"retex-dataset/1\"}\n\n{\"record\":\"organisation\",\"slug\":\"fai\",\"name\":\"FAI\",\"kind_\":1}\n{\"record\":\"planet\"}\n";
        let problems = from_lines(text).expect_err("two bad lines");
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        assert_eq!(fields, vec!["line 3", "line 4"]);
        let mut places = Locations::default();
        places.insert("sheets", 1, "f.jsonl:7");
        let located = locate(
            vec![FieldProblem { field: "sheets[1] (a): title".into(), problem: "must not be empty".into() }],
            &places,
        );
        assert_eq!(located[0].field, "f.jsonl:7 (a): title");
    }
}
