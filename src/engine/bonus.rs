//! Milestone bonuses (docs/arithmetic.md, step 8): a one-off amount paid to
//! a party in the period a milestone is first reached, in the agreement
//! currency. The label pays it on top of the revenue split, so it is not
//! part of `earned`; it joins what is payable after recoupment (a
//! non-recoupable bonus is never taken by an advance) and before the payout
//! minimum and withholding.
//!
//! "Paid exactly once": a milestone is first reached when it is in force
//! and the ledger has no record of it (`Standing::first_time`); `close`
//! records it, so no later period pays it again.
//!
//! A recoupable bonus becomes a recoupable balance of its own (`account`),
//! recouped in step 8 like an advance from the period it is paid on.

use super::milestone::Standing;
use super::result::{BonusPaid, PartyResult};
use crate::agreement::{Agreement, BonusRecoup};

/// The ledger's name of a recoupable bonus's balance (with the advances'):
/// it cannot clash with an advance id, which has no space.
pub fn account_id(milestone: &str, party: &str) -> String {
    format!("{milestone} bonus ({party})")
}

/// Pays the bonuses of the milestones first reached this period.
pub fn pay(a: &Agreement, standings: &[Standing], parties: &mut [PartyResult]) {
    for (mi, (m, st)) in a.milestones.iter().zip(standings).enumerate() {
        if !(st.first_time && st.in_force()) {
            continue;
        }
        for b in &m.bonuses {
            let Some(p) = parties.get_mut(b.party) else {
                continue;
            };
            if !p.joined {
                // An amendment adds the party later: the milestone was
                // reached before it was in the agreement.
                p.notes.push(format!(
                    "no bonus for `{}`: reached before joining the agreement",
                    m.id
                ));
                continue;
            }
            p.flows.bonus += b.amount;
            p.bonuses.push(BonusPaid {
                milestone: mi,
                amount: b.amount,
                recoup: b.recoup.clone(),
            });
            let how = match &b.recoup {
                BonusRecoup::No => "not recoupable".to_string(),
                BonusRecoup::Own => "recoupable from later earnings".to_string(),
                BonusRecoup::With(k) => format!("recoupable with `{}`", a.advances[*k].id),
            };
            p.notes.push(format!(
                "{} bonus for reaching `{}` ({how}), paid by the label beyond the revenue split",
                b.amount, m.id
            ));
        }
    }
}
