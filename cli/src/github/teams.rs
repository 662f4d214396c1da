//! Team members from GitHub's "List team members" response, for CODEOWNERS teams.
//!
//! `--teams @org/team=FILE` names the team as CODEOWNERS writes it (the `@` may be left out)
//! and the file GitHub's response for it (`gh api orgs/ORG/teams/SLUG/members --paginate
//! --slurp > FILE`). Listing a team's members needs a token that may read the organization
//! (`read:org`); a workflow's default `GITHUB_TOKEN` may not.

use std::path::PathBuf;

use super::{JsonFile, User};

/// A `--teams` value: the team and its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamFile {
    /// `@org/team`.
    pub team: String,
    pub file: PathBuf,
}

/// Parses `@org/team=FILE` (or `org/team=FILE`).
pub fn parse(value: &str) -> Result<TeamFile, String> {
    let Some((team, file)) = value.split_once('=') else {
        return Err("expected @org/team=FILE".into());
    };
    let name = team.strip_prefix('@').unwrap_or(team);
    let valid = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    match name.split_once('/') {
        Some((org, slug)) if valid(org) && valid(slug) => {}
        _ => return Err(format!("'{team}' is not a team: expected @org/team=FILE")),
    }
    if file.is_empty() {
        return Err(format!("no file after '{team}='"));
    }
    Ok(TeamFile { team: format!("@{name}"), file: PathBuf::from(file) })
}

/// The logins of a team-members file.
pub fn members(file: &JsonFile) -> Result<Vec<String>, String> {
    let users = file.list::<User>()?;
    Ok(users.into_iter().map(|u| u.value.login).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_values_name_a_team_and_a_file() {
        let t = parse("@example/payments=team.json").unwrap();
        assert_eq!(t, TeamFile { team: "@example/payments".into(), file: "team.json".into() });
        assert_eq!(parse("example/pay-ments=x=y.json").unwrap().file, PathBuf::from("x=y.json"));
        assert!(parse("@example/payments").is_err());
        assert!(parse("@payments=team.json").is_err());
        assert!(parse("@a/b=").is_err());
        assert!(parse("@a b/c=f").is_err());
    }
}
