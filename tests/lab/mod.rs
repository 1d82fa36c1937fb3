//! A label in a temporary folder, driven through the real binary: shared by
//! the CLI tests of the ledger and of milestones.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// A label in a temporary folder.
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new(agreements: &[(&str, &str)]) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("agreements")).unwrap();
        for (name, text) in agreements {
            std::fs::write(dir.path().join("agreements").join(name), text).unwrap();
        }
        Lab { dir }
    }
    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    pub fn write(&self, name: &str, text: &str) -> &Self {
        let p = self.path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("royalty").unwrap();
        c.current_dir(self.dir.path())
            .args(args)
            .args(["--agreements", "agreements"]);
        if self.path("fx.csv").exists() {
            c.args(["--fx", "fx.csv"]);
        }
        if self.path("events.csv").exists() {
            c.args(["--events", "events.csv"]);
        }
        c
    }
    pub fn json(&self, command: &str, period: &str, statements: &str) -> Value {
        let out = self
            .cmd(&[
                command,
                "--period",
                period,
                "--statements",
                statements,
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{command} {period}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
    pub fn run(&self, period: &str, statements: &str) -> Value {
        self.json("run", period, statements)
    }
    pub fn close(&self, period: &str, statements: &str) -> Value {
        self.json("close", period, statements)
    }
}

pub fn row<'a>(v: &'a Value, agreement: &str, party: &str) -> &'a Value {
    v["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["agreement"] == agreement && r["party"] == party)
        .unwrap_or_else(|| panic!("no row {agreement}/{party} in {v:#}"))
}

pub fn assert_fields(r: &Value, want: &[(&str, &str)]) {
    for (k, v) in want {
        assert_eq!(r[k], *v, "field {k} of {r:#}");
    }
}

pub const HEADER: &str = "period,isrc,source,territory,units,amount,currency\n";

pub fn one_line(isrc: &str, source: &str, units: i64, amount: &str, currency: &str) -> String {
    format!("{HEADER}2026-01,{isrc},{source},US,{units},{amount},{currency}\n")
}

/// The track most lab tests use.
pub const TRACK: &str = "QZAAA2600001";

impl Lab {
    /// One statement line of `TRACK` in USD per quarter folder: `q1/s.csv`
    /// gets the first (units, amount), `q2/s.csv` the second, and so on.
    pub fn quarters(&self, source: &str, lines: &[(i64, &str)]) -> &Self {
        for (i, (units, amount)) in lines.iter().enumerate() {
            let file = format!("q{}/s.csv", i + 1);
            self.write(&file, &one_line(TRACK, source, *units, amount, "USD"));
        }
        self
    }
}

pub fn agreement(id: &str, isrc: &str, body: &str) -> String {
    format!("id = \"{id}\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"{isrc}\"\n{body}")
}
