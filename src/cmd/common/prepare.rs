//! A run prepared once for every command: the inputs loaded, the ledger
//! read and verified, the statements checked against what closed periods
//! consumed, the opening state and the disputes the period sees; then the
//! engine computes it, and a closed period must reproduce its figures.

use super::ledger_checks::{
    check_consumed, check_reproduced, ledger_dir, leftovers, read_register,
};
use super::load::{load_with, LoadOptions, Loaded};
use super::options::{global, require_period, Common};
use royalty::agreement::Agreement;
use royalty::diag::{Error, Result};
use royalty::period::Period;

/// Inputs loaded, the ledger read and verified, the statements checked
/// against what closed periods consumed: ready to compute `period`.
pub struct Prepared {
    pub loaded: Loaded,
    pub period: Period,
    pub ledger: royalty::ledger::store::Ledger,
    pub opening: royalty::ledger::State,
    /// The dispute register, verified against the closed periods.
    pub register: royalty::ledger::disputes::Register,
    /// The disputes this period sees (docs/ledger.md, "The dispute register").
    pub disputes: Vec<royalty::ledger::disputes::Dispute>,
}

impl Prepared {
    /// Computes the period; a closed period must reproduce its closed
    /// figures or is refused (exit 3).
    pub fn compute(&self) -> Result<royalty::engine::PeriodResult> {
        let revenue = self.loaded.revenue.sorted();
        let releases = self.loaded.revenue.sorted_releases();
        let r = royalty::engine::compute(&royalty::engine::Input {
            period: self.period,
            agreements: &self.loaded.agreements,
            revenue: &revenue,
            releases: &releases,
            files: &self.loaded.revenue.files,
            fx: &self.loaded.fx,
            opening: &self.opening,
            events: &self.loaded.events,
            disputes: &self.disputes,
        })
        .map_err(|e| royalty::diag::Input::Run.classify_error(e))?;
        if royalty::fsutil::fault("self-check") {
            return Err(Error::Invariant("injected by ROYALTY_FAULT".into()));
        }
        if royalty::fsutil::fault("panic") {
            panic!("injected by ROYALTY_FAULT");
        }
        check_reproduced(&self.ledger, &r, &self.loaded.agreements)?;
        Ok(r)
    }
}

impl Prepared {
    /// Computes the period on revenue sums already in key order (a
    /// what-if sweep sorts the statements once and prices each point).
    pub fn compute_sorted(
        &self,
        agreements: &[Agreement],
        sorted: &[(royalty::statement::Key, royalty::statement::Sums)],
        releases: &[(royalty::statement::ReleaseKey, royalty::statement::Sums)],
        files: &[royalty::statement::FileSummary],
    ) -> Result<royalty::engine::PeriodResult> {
        royalty::engine::compute(&royalty::engine::Input {
            period: self.period,
            agreements,
            revenue: sorted,
            releases,
            files,
            fx: &self.loaded.fx,
            opening: &self.opening,
            events: &self.loaded.events,
            disputes: &self.disputes,
        })
        .map_err(|e| royalty::diag::Input::Run.classify_error(e))
    }
}

/// Loads everything for a computation of the period; input errors exit 1,
/// a ledger that refuses exits 3.
pub fn prepare(c: &Common, keep_unmatched: bool) -> Result<Prepared> {
    prepare_with(
        c,
        LoadOptions {
            keep_unmatched,
            ..LoadOptions::default()
        },
    )
}

pub fn prepare_with(c: &Common, o: LoadOptions) -> Result<Prepared> {
    let loaded = load_with(c, o)?;
    let period = require_period(&loaded.settings)?;
    if loaded.has_errors() {
        return Err(Error::Input(loaded.diagnostics));
    }
    let mut loaded = loaded;
    let ledger = royalty::ledger::store::read(&ledger_dir(&loaded.settings))?;
    let mut left = leftovers(&ledger.leftovers);
    if global().strict && !left.is_empty() {
        royalty::diag::promote_warnings(&mut left);
        return Err(Error::Input(left));
    }
    loaded.diagnostics.extend(left);
    check_consumed(&ledger, period, &loaded.outcomes, c.allow_duplicate)?;
    let (opening, _) = ledger.state_before(period);
    let (register, disputes) = read_register(&ledger, period)?;
    Ok(Prepared {
        loaded,
        period,
        ledger,
        opening,
        register,
        disputes,
    })
}
