//! A CLI that fits the shell: completions and man page generated from the
//! argument model, royalty.toml found from a subfolder, the table fitted
//! to an 80-column terminal with totals per currency, help that lists only
//! the flags a command uses.

use assert_cmd::Command;

fn royalty() -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    c
}

fn ok(c: &mut Command) -> String {
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for (shell, want) in [
        ("bash", "_royalty()"),
        ("zsh", "#compdef royalty"),
        ("fish", "complete -c royalty"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let s = ok(royalty().args(["completions", shell]));
        assert!(s.contains(want), "{shell}");
        assert!(
            s.contains("dashboard") && s.contains("whatif"),
            "{shell}: every command"
        );
    }
    let man = ok(royalty().arg("man"));
    assert!(
        man.contains(".TH royalty 1") && man.contains("flow"),
        "{man}"
    );
    let dir = tempfile::tempdir().unwrap();
    ok(royalty().args(["man", "--dir"]).arg(dir.path()));
    let page = std::fs::read_to_string(dir.path().join("royalty-whatif.1")).unwrap();
    assert!(page.contains(".TH royalty-whatif 1") && page.contains("\\-\\-draft"));
    assert!(dir.path().join("royalty.1").is_file());
    let bad = royalty().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_project_is_found_from_a_subfolder() {
    let l = tempfile::tempdir().unwrap();
    let top = ok(royalty()
        .args(["run", "--format", "json", "--ledger"])
        .arg(l.path()));
    let sub = ok(royalty()
        .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2026-Q1"))
        .args(["run", "--format", "json", "--ledger"])
        .arg(l.path()));
    // The same document, byte for byte: paths are written relative to the
    // project's folder, wherever the command is run from.
    assert_eq!(top, sub);
    assert!(
        sub.contains("\"file\": \"samples/2026-Q1/"),
        "paths are relative to the project's folder"
    );
}

#[test]
fn the_table_fits_80_columns_and_ends_with_totals_per_currency() {
    let l = tempfile::tempdir().unwrap();
    let wide = ok(royalty()
        .args(["run", "--format", "table", "--ledger"])
        .arg(l.path()));
    assert!(
        wide.contains("│ total               ┆ USD   ┆    0.00 ┆ 3732.81 USD ┆  1881.48 ┆"),
        "{wide}"
    );
    let narrow = ok(royalty()
        .env("COLUMNS", "80")
        .args(["run", "--format", "table", "--ledger"])
        .arg(l.path()));
    let table: Vec<&str> = narrow
        .lines()
        .take_while(|l| !l.starts_with("Why"))
        .collect();
    for line in &table {
        assert!(
            line.chars().count() <= 80,
            "{} > 80: {line}",
            line.chars().count()
        );
    }
    assert!(narrow.contains("midnight-drive (USD)\n"));
    assert!(narrow.contains("Totals per currency\n"));
    assert!(
        narrow.contains("│ earned     ┆ 2786.36 EUR ┆ 647.04 GBP ┆ 3732.81 USD │"),
        "{narrow}"
    );
    assert!(
        narrow.contains("│ paid in    ┆ 2789.01 EUR ┆ 655.80 GBP ┆  853.59 USD │"),
        "{narrow}"
    );
}

#[test]
fn help_lists_only_the_flags_a_command_uses() {
    let describe = ok(royalty().args(["describe", "--help"]));
    assert!(describe.contains("--agreements") && describe.contains("--period"));
    for unused in [
        "--statements",
        "--ledger",
        "--fx",
        "--threads",
        "--aggregates",
    ] {
        assert!(!describe.contains(unused), "describe lists {unused}");
    }
    // Still accepted: command lines that worked keep working.
    ok(royalty().args(["describe", "midnight-drive", "--ledger", "ledger"]));
    let formats = ok(royalty().args(["formats", "--help"]));
    assert!(formats.contains("--project") && !formats.contains("--statements"));
    for cmd in ["explain", "reconcile"] {
        let h = ok(royalty().args([cmd, "--help"]));
        assert!(!h.contains("table, csv or json"), "{cmd} offers csv");
    }
    let w = ok(royalty().args(["whatif", "--help"]));
    assert!(w.contains("csv"));
}
