//! `_position.yaml` ordering (SCHEMA.md §7).

use super::fields;
use super::report::{Place, Report};
use super::yaml::Node;

/// One entry of a position list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The id listed.
    pub id: String,
    /// Where it is listed.
    pub place: Place,
    /// Its key path (`[i]`).
    pub key: String,
}

/// Reads a position file's root node: a list of ids (an empty file is an empty list).
pub fn entries(root: &Node, r: &mut Report) -> Vec<Entry> {
    fields::list(root, "", r)
        .into_iter()
        .filter_map(|(path, node)| {
            fields::string(node, &path, r).map(|id| Entry {
                id,
                place: Place::from(node),
                key: path,
            })
        })
        .collect()
}

/// Reports entries that match none of `ids` (`what` names the kind of item, for the message).
pub fn report_stale(list: &[Entry], ids: &[&str], what: &str, r: &mut Report) {
    for entry in list {
        if !ids.contains(&entry.id.as_str()) {
            r.warn(
                entry.place,
                &entry.key,
                format!("`{}` matches no {what} (ignored)", entry.id),
            );
        }
    }
}

/// Orders `items` by the list: listed ids first in list order, the rest by id.
pub fn sort<T>(items: &mut [T], id: impl Fn(&T) -> &str, list: &[Entry]) {
    let rank = |item: &T| {
        list.iter()
            .position(|e| e.id == id(item))
            .unwrap_or(usize::MAX)
    };
    items.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| id(a).cmp(id(b))));
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    #[test]
    fn listed_first_then_by_id_and_stale_entries_warn() {
        let node = parse("- c\n- gpt-4o.yaml\n- a\n- c\n").unwrap();
        let mut out = Vec::new();
        let mut r = Report::new("p/llm/_position.yaml", &mut out);
        let list = entries(&node, &mut r);
        let mut got = vec!["b", "a", "d", "c"];
        report_stale(&list, &got, "model", &mut r);
        sort(&mut got, |s| s, &list);
        assert_eq!(got, vec!["c", "a", "b", "d"]);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].line, out[0].column), (2, 3));
        assert_eq!(out[0].message, "`gpt-4o.yaml` matches no model (ignored)");
    }
}
