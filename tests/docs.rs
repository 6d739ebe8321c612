//! The user-facing reference in docs/ stays in step with the program: every command has its
//! section in docs/cli.md and every interchange column its row in docs/interchange.md.

use clap::CommandFactory;
use guestbook::interchange::columns;
use guestbook::store::Kind;

fn doc(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_command_has_its_section_in_the_cli_reference() {
    let text = doc("cli.md");
    for command in guestbook::cli::Cli::command().get_subcommands() {
        let name = command.get_name();
        assert!(
            text.contains(&format!("### `guestbook {name}")),
            "docs/cli.md has no section for `guestbook {name}`"
        );
    }
}

#[test]
fn every_interchange_column_is_in_the_interchange_reference() {
    let text = doc("interchange.md");
    for (kind, heading) in [
        (Kind::Guests, "## guests"),
        (Kind::Preferences, "## preferences"),
        (Kind::Stays, "## stays"),
        (Kind::Feedback, "## complaints and feedback"),
    ] {
        let start = text
            .find(heading)
            .unwrap_or_else(|| panic!("docs/interchange.md has no `{heading}`"));
        let section = &text[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
        // A row names its column first; a few related columns may share one row.
        let named: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
            .flat_map(|cell| cell.split(", "))
            .collect();
        for column in columns(kind) {
            assert!(
                named.contains(&column.name),
                "docs/interchange.md `{heading}` has no row for `{}`",
                column.name
            );
        }
    }
}
