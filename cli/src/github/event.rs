//! The event payload of a workflow run (`$GITHUB_EVENT_PATH`): who opened the pull request,
//! and which one it is.
//!
//! The `pull_request`, `pull_request_target` and `pull_request_review` events all carry the
//! pull request under `pull_request` (GitHub's "Webhook events and payloads"); its `user` is
//! the author, whose own approval never counts. Other events (`push`, `schedule`) have no pull
//! request: reading one is an error that says so, rather than a context without an author.

use serde::Deserialize;

use super::{JsonFile, User};

/// What the gates need from the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequestEvent {
    pub number: u64,
    pub author: String,
    pub head_sha: String,
    pub base_sha: String,
}

#[derive(Debug, Deserialize)]
struct Payload {
    pull_request: PullRequest,
}

#[derive(Debug, Deserialize)]
struct PullRequest {
    number: u64,
    user: User,
    head: GitRef,
    base: GitRef,
}

#[derive(Debug, Deserialize)]
struct GitRef {
    sha: String,
}

/// Reads a pull request event payload.
pub fn read(file: &JsonFile) -> Result<PullRequestEvent, String> {
    let payload: Payload = file.object().map_err(|e| {
        if e.ends_with("missing field `pull_request`") {
            format!("{e} (not a pull request event: run on pull_request or pull_request_review)")
        } else {
            e
        }
    })?;
    let pr = payload.pull_request;
    Ok(PullRequestEvent {
        number: pr.number,
        author: pr.user.login,
        head_sha: pr.head.sha,
        base_sha: pr.base.sha,
    })
}
