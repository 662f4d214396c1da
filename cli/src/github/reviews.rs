//! Approvals from GitHub's "List reviews for a pull request" response.
//!
//! The rule, and why: GitHub returns a pull request's reviews in chronological order, one
//! entry per submitted review, and each user's *latest opinionated* review is their verdict —
//! the one GraphQL exposes as `latestOpinionatedReviews` and the merge box shows. So:
//!
//! - reviews are taken in order of `submitted_at` (then `id`, for pages merged out of order);
//! - per user (logins compare case-insensitively), only `APPROVED`, `CHANGES_REQUESTED` and
//!   `DISMISSED` reviews change the verdict; `COMMENTED` does not (a comment after an approval
//!   leaves the approval standing, as on GitHub), and `PENDING` (an unsubmitted draft) is not a
//!   review yet;
//! - the user approves when their latest such review is `APPROVED`. A dismissal withdraws it:
//!   GitHub turns the dismissed review's state into `DISMISSED`, and we also let it override
//!   an older `APPROVED` of the same user, which GitHub does not document — counting one
//!   approval too few is recoverable, one too many is not;
//! - only reviewers whose `author_association` is `OWNER`, `MEMBER` or `COLLABORATOR` count:
//!   GitHub counts approvals "from people with write access", which the REST response does not
//!   state; these associations are the closest it gives, and a `CONTRIBUTOR` or `NONE` (anyone
//!   on a public repository) never counts. Each approval left out is reported.
//!
//! The author's own approval is left out by the engine's approvals gate, which knows the author.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Page, Timestamp, User};

/// One review, with the fields GitHub always returns that the rule reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Review {
    pub id: u64,
    /// `null` for a deleted account.
    pub user: Option<User>,
    pub state: State,
    /// Absent on a `PENDING` review.
    #[serde(default)]
    pub submitted_at: Option<Timestamp>,
    pub author_association: Association,
    pub pull_request_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
    Pending,
}

/// GitHub's `author_association` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Association {
    Collaborator,
    Contributor,
    FirstTimer,
    FirstTimeContributor,
    Mannequin,
    Member,
    None,
    Owner,
}

impl Association {
    fn may_approve(self) -> bool {
        matches!(self, Association::Owner | Association::Member | Association::Collaborator)
    }

    fn name(self) -> &'static str {
        match self {
            Association::Collaborator => "COLLABORATOR",
            Association::Contributor => "CONTRIBUTOR",
            Association::FirstTimer => "FIRST_TIMER",
            Association::FirstTimeContributor => "FIRST_TIME_CONTRIBUTOR",
            Association::Mannequin => "MANNEQUIN",
            Association::Member => "MEMBER",
            Association::None => "NONE",
            Association::Owner => "OWNER",
        }
    }
}

/// Who approves, and the approvals left out with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approvals {
    /// Logins as GitHub spells them, in the order of their approving review.
    pub approvers: Vec<String>,
    pub notes: Vec<String>,
}

/// Applies the rule of the module documentation. `pull_request` (from the event), when known,
/// must be the pull request every review belongs to: reviews of another one are an error.
pub fn approvals(
    file: &str,
    reviews: &[Page<Review>],
    pull_request: Option<u64>,
) -> Result<Approvals, String> {
    if let Some(number) = pull_request {
        for r in reviews {
            let theirs = r.value.pull_request_url.rsplit('/').next().unwrap_or("");
            if theirs != number.to_string() {
                return Err(format!(
                    "{file}: {}.pull_request_url: a review of pull request {theirs}, but the event is pull request {number}",
                    r.at
                ));
            }
        }
    }
    let mut submitted: Vec<&Review> = reviews
        .iter()
        .map(|r| &r.value)
        .filter(|r| r.state != State::Pending && r.submitted_at.is_some())
        .collect();
    submitted.sort_by_key(|r| (r.submitted_at, r.id));
    // Per user (lowercased login): the latest opinionated review and its position.
    let mut verdicts: BTreeMap<String, (usize, &Review)> = BTreeMap::new();
    for (position, review) in submitted.iter().enumerate() {
        let Some(user) = &review.user else { continue };
        if review.state == State::Commented {
            continue;
        }
        verdicts.insert(user.login.to_ascii_lowercase(), (position, review));
    }
    let mut approving: Vec<(usize, &Review)> =
        verdicts.into_values().filter(|(_, r)| r.state == State::Approved).collect();
    approving.sort_by_key(|(position, _)| *position);
    let mut out = Approvals::default();
    for (_, review) in approving {
        let login = review.user.as_ref().map_or("", |u| u.login.as_str());
        if review.author_association.may_approve() {
            out.approvers.push(login.to_string());
        } else {
            out.notes.push(format!(
                "{file}: the approval of {login} does not count: author_association {} (only OWNER, MEMBER and COLLABORATOR reviewers may approve)",
                review.author_association.name()
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(id: u64, login: &str, state: &str, at: &str, association: &str) -> Page<Review> {
        let json = serde_json::json!({
            "id": id, "user": {"login": login}, "state": state, "submitted_at": at,
            "author_association": association,
            "pull_request_url": "https://api.github.com/repos/o/r/pulls/7",
        });
        Page { value: serde_json::from_value(json).unwrap(), at: format!("$[{id}]") }
    }

    fn approvers(reviews: &[Page<Review>]) -> Vec<String> {
        approvals("r.json", reviews, Some(7)).unwrap().approvers
    }

    const T1: &str = "2026-11-25T08:00:00Z";
    const T2: &str = "2026-11-25T09:00:00Z";
    const T3: &str = "2026-11-25T10:00:00Z";

    /// (id, login, state, submitted at, association)
    type Row = (u64, &'static str, &'static str, &'static str, &'static str);

    #[test]
    fn the_latest_opinionated_review_of_each_user_decides() {
        let cases: &[(&str, &[Row], &[&str])] = &[
            (
                "approve, then request changes",
                &[
                    (1, "alice", "APPROVED", T1, "MEMBER"),
                    (2, "alice", "CHANGES_REQUESTED", T2, "MEMBER"),
                ],
                &[],
            ),
            (
                "request changes, then approve",
                &[
                    (1, "alice", "CHANGES_REQUESTED", T1, "MEMBER"),
                    (2, "Alice", "APPROVED", T2, "MEMBER"),
                ],
                &["Alice"],
            ),
            (
                "a comment after an approval leaves it standing",
                &[(1, "alice", "APPROVED", T1, "MEMBER"), (2, "alice", "COMMENTED", T2, "MEMBER")],
                &["alice"],
            ),
            ("a dismissed approval", &[(1, "alice", "DISMISSED", T1, "MEMBER")], &[]),
            (
                "a dismissal after an older approval",
                &[(1, "alice", "APPROVED", T1, "MEMBER"), (2, "alice", "DISMISSED", T2, "MEMBER")],
                &[],
            ),
            (
                "listed out of order (pages merged): the later approval wins",
                &[
                    (5, "bob", "APPROVED", T3, "COLLABORATOR"),
                    (3, "bob", "CHANGES_REQUESTED", T2, "COLLABORATOR"),
                ],
                &["bob"],
            ),
            (
                "approvers in the order they approved",
                &[(9, "bob", "APPROVED", T2, "OWNER"), (8, "carol", "APPROVED", T1, "MEMBER")],
                &["carol", "bob"],
            ),
        ];
        for (what, rows, expected) in cases {
            let reviews: Vec<Page<Review>> = rows
                .iter()
                .map(|&(id, login, state, at, a)| review(id, login, state, at, a))
                .collect();
            assert_eq!(approvers(&reviews), *expected, "{what}");
        }
    }

    #[test]
    fn pending_reviews_and_deleted_users_are_not_reviews() {
        let mut pending = review(1, "alice", "PENDING", T1, "MEMBER");
        pending.value.submitted_at = None;
        let mut ghost = review(2, "x", "APPROVED", T1, "MEMBER");
        ghost.value.user = None;
        assert!(approvers(&[pending, ghost]).is_empty());
    }

    #[test]
    fn approvals_without_write_association_are_reported_not_counted() {
        let r = [
            review(1, "eve", "APPROVED", T1, "CONTRIBUTOR"),
            review(2, "dan", "APPROVED", T2, "OWNER"),
        ];
        let a = approvals("r.json", &r, None).unwrap();
        assert_eq!(a.approvers, ["dan"]);
        assert_eq!(a.notes.len(), 1);
        assert!(a.notes[0].contains("eve") && a.notes[0].contains("CONTRIBUTOR"), "{:?}", a.notes);
    }

    #[test]
    fn reviews_of_another_pull_request_are_an_error() {
        let r = [review(1, "alice", "APPROVED", T1, "MEMBER")];
        let err = approvals("r.json", &r, Some(8)).unwrap_err();
        assert_eq!(
            err,
            "r.json: $[1].pull_request_url: a review of pull request 7, but the event is pull request 8"
        );
    }
}
