//! The envelope of every JSON document `royalty` writes (docs/schema.md):
//! `"schema": "royalty.<kind>/1"` first, then the document's own fields,
//! then `"problems"`: the warnings of the inputs it was computed from, as
//! data (docs/problems.md). A script pins the schema it was written for;
//! fields are only ever added within a version, and each version has its
//! JSON Schema file in `docs/schema/<kind>.json`.

use crate::diag::Problem;
use serde::Serialize;

/// The version every document kind is at. A change that is not an
/// addition would make it 2 (and a new schema file).
pub const VERSION: u32 = 1;

/// The schema name of a kind of document: `royalty.run/1`.
pub fn schema(kind: &str) -> String {
    format!("royalty.{kind}/{VERSION}")
}

/// Renders `body` (a struct: its fields become the document's) inside the
/// envelope, pretty-printed, ending with a newline.
pub fn render<T: Serialize + ?Sized>(kind: &str, body: &T, problems: &[Problem]) -> String {
    let mut doc = serde_json::Map::new();
    doc.insert("schema".into(), schema(kind).into());
    match serde_json::to_value(body).expect("plain data serialises") {
        serde_json::Value::Object(fields) => doc.extend(fields),
        other => unreachable!("a document's body is an object, not {other}"),
    }
    doc.insert(
        "problems".into(),
        serde_json::to_value(problems).expect("plain data serialises"),
    );
    let mut s = serde_json::to_string_pretty(&doc).expect("plain data serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        period: &'static str,
        rows: Vec<u32>,
    }

    #[test]
    fn the_schema_comes_first_and_the_problems_last() {
        let p = Problem {
            file: "s.csv".into(),
            line: None,
            column: None,
            severity: "warning",
            code: "statement.empty",
            message: "the statement is empty".into(),
        };
        let text = render(
            "run",
            &Body {
                period: "2026-Q1",
                rows: vec![1],
            },
            &[p],
        );
        let keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
                .unwrap()
                .keys()
                .cloned()
                .collect();
        assert_eq!(keys, ["schema", "period", "rows", "problems"]);
        assert!(
            text.starts_with("{\n  \"schema\": \"royalty.run/1\",\n"),
            "{text}"
        );
        assert!(text.contains("\"line\": null"), "{text}");
        assert!(text.ends_with("}\n"));
    }
}
