//! The batch script of docs/scripting.md, run as written against a
//! temporary project: it closes a quarter and hands the payment file on,
//! stops on exit 3 when run again, and retries on exit 75 while another
//! run holds the ledger lock. Skipped when bash is absent.

mod common;

use common::{repo_root, Project};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The script between `<!-- script: close-quarter.sh -->` and the end of
/// the bash block that follows it.
fn script() -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/scripting.md")).unwrap();
    let after = doc
        .split("<!-- script: close-quarter.sh -->")
        .nth(1)
        .expect("docs/scripting.md has the close-quarter.sh script");
    let body = after
        .split("```bash\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("the script is a bash block");
    format!("{body}\n")
}

fn bash() -> Option<PathBuf> {
    ["/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The bundled label in a temporary folder, the script beside it, and a
/// "next step" that records the file it is handed.
struct Job {
    p: Project,
    bash: PathBuf,
}

impl Job {
    fn new() -> Option<Job> {
        let bash = bash()?;
        let p = Project::new();
        for dir in ["agreements", "samples"] {
            copy_dir(&repo_root().join(dir), &p.path().join(dir));
        }
        std::fs::copy(
            repo_root().join("royalty.toml"),
            p.path().join("royalty.toml"),
        )
        .unwrap();
        p.write("close-quarter.sh", &script());
        p.write(
            "bank-upload.sh",
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> handed.txt\ncp \"$1\" uploaded.csv\n",
        );
        Some(Job { p, bash })
    }

    fn run(&self, period: &str, retry_delay: &str) -> (i32, String) {
        let o = Command::new(&self.bash)
            .current_dir(self.p.path())
            .arg("close-quarter.sh")
            .arg(period)
            .env("ROYALTY", assert_cmd::cargo::cargo_bin("royalty"))
            .env("NEXT_STEP", "./bank-upload.sh")
            .env("RETRY_DELAY", retry_delay)
            .env("RETRIES", "100")
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn handed(&self) -> Vec<String> {
        std::fs::read_to_string(self.p.path().join("handed.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

#[cfg(unix)]
fn exec() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o755)
}

#[cfg(not(unix))]
fn exec() -> std::fs::Permissions {
    unreachable!("bash scripts are tested on unix only")
}

fn make_executable(job: &Job) {
    std::fs::set_permissions(job.p.path().join("bank-upload.sh"), exec()).unwrap();
}

#[cfg(unix)]
#[test]
fn the_script_closes_hands_the_payment_file_on_and_stops_on_a_refusal() {
    let Some(job) = Job::new() else {
        eprintln!("skipped: no bash on this machine");
        return;
    };
    make_executable(&job);
    let (code, err) = job.run("2026-Q1", "0");
    assert_eq!(code, 0, "{err}");
    assert_eq!(job.handed(), ["outbox/payments-2026-Q1.csv"]);
    let paid = std::fs::read_to_string(job.p.path().join("uploaded.csv")).unwrap();
    assert!(paid.starts_with("party,"), "{paid}");
    assert!(job.p.path().join("ledger/2026-Q1.json").exists());
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(job.p.path().join("outbox/close-2026-Q1.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["schema"], "royalty.run/1");
    // Again: the ledger refuses for good; the script stops, hands nothing.
    let (code, err) = job.run("2026-Q1", "0");
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not retrying"), "{err}");
    assert_eq!(job.handed().len(), 1);
}

#[cfg(unix)]
#[test]
fn the_script_retries_while_the_ledger_is_busy() {
    let Some(job) = Job::new() else {
        eprintln!("skipped: no bash on this machine");
        return;
    };
    make_executable(&job);
    std::fs::create_dir_all(job.p.path().join("ledger")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(job.p.path().join("ledger/.lock"))
        .unwrap();
    lock.lock().unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        drop(lock);
    });
    let (code, err) = job.run("2026-Q1", "0.2");
    release.join().unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("busy, trying again"), "{err}");
    assert_eq!(job.handed(), ["outbox/payments-2026-Q1.csv"]);
}
