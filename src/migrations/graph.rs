//! The migration graph (Django's `MigrationGraph` and the loader's replacement rules): nodes
//! are migrations, edges their dependencies. Plans (which migrations to apply or unapply, in
//! which order) are walks of it; parallel branches show up as several leaves of one app.
//!
//! Squashed migrations (`replaces`) stand in for their originals when none or all of the
//! originals are applied; with only some applied, the originals are kept and the squashed one
//! waits, as in Django.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Result;

use super::state::state_error;
use super::Migration;

type Key = (&'static str, &'static str);

/// The dependency graph of a set of migrations.
#[derive(Debug, Clone)]
pub struct MigrationGraph {
    nodes: BTreeMap<Key, Migration>,
    /// Dependencies per node, after replacements.
    parents: BTreeMap<Key, BTreeSet<Key>>,
}

impl MigrationGraph {
    /// The graph of `migrations` on a database where none is applied.
    pub fn new(migrations: &[Migration]) -> Result<Self> {
        Self::with_applied(migrations, &BTreeSet::new())
    }

    /// The graph of `migrations` given the applied versions (`app.name`): decides, for each
    /// squashed migration, whether it or its originals take part.
    pub fn with_applied(migrations: &[Migration], applied: &BTreeSet<String>) -> Result<Self> {
        let mut nodes: BTreeMap<Key, Migration> = BTreeMap::new();
        for m in migrations {
            if nodes.insert(m.key(), *m).is_some() {
                return Err(state_error(format!(
                    "migration {} is listed twice",
                    m.version()
                )));
            }
        }
        // Replacements: key of a replaced migration -> the squashed one standing in for it.
        let mut remap: BTreeMap<Key, Key> = BTreeMap::new();
        for m in migrations.iter().filter(|m| !m.replaces.is_empty()) {
            let done = m
                .replaces
                .iter()
                .filter(|(a, n)| applied.contains(&format!("{a}.{n}")))
                .count();
            if done == 0 || done == m.replaces.len() {
                for r in m.replaces {
                    nodes.remove(r);
                    remap.insert(*r, m.key());
                }
            } else {
                nodes.remove(&m.key());
            }
        }
        let mut parents: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        for (key, m) in &nodes {
            let mut deps = BTreeSet::new();
            for dep in m.dependencies {
                let dep = remap.get(dep).copied().unwrap_or(*dep);
                if dep == *key {
                    continue;
                }
                if !nodes.contains_key(&dep) {
                    return Err(state_error(format!(
                        "migration {} depends on {}.{}, which does not exist",
                        m.version(),
                        dep.0,
                        dep.1
                    )));
                }
                deps.insert(dep);
            }
            parents.insert(*key, deps);
        }
        let graph = MigrationGraph { nodes, parents };
        graph.forwards_plan_all()?; // rejects cycles
        Ok(graph)
    }

    /// The migration `app_label.name`.
    pub fn node(&self, app_label: &str, name: &str) -> Option<&Migration> {
        self.nodes
            .iter()
            .find(|((a, n), _)| *a == app_label && *n == name)
            .map(|(_, m)| m)
    }

    /// Every migration in the graph, by app and name.
    pub fn migrations(&self) -> impl Iterator<Item = &Migration> {
        self.nodes.values()
    }

    /// The migration of `app_label` whose name is `prefix` or starts with it (Django's
    /// `migrate app 0010`); an error when none or several match.
    pub fn find(&self, app_label: &str, prefix: &str) -> Result<&Migration> {
        if let Some(m) = self.node(app_label, prefix) {
            return Ok(m);
        }
        let found: Vec<&Migration> = self
            .nodes
            .values()
            .filter(|m| m.app_label == app_label && m.name.starts_with(prefix))
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(state_error(format!(
                "Cannot find a migration matching '{prefix}' from app '{app_label}'."
            ))),
            many => Err(state_error(format!(
                "More than one migration matches '{prefix}' in app '{app_label}': {}. Please be more specific.",
                many.iter().map(|m| m.name).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The migrations of `app_label` nothing else in the app depends on. More than one means
    /// parallel branches that need a merge migration.
    pub fn leaf_nodes(&self, app_label: &str) -> Vec<&Migration> {
        let depended: BTreeSet<Key> = self
            .parents
            .iter()
            .filter(|((a, _), _)| *a == app_label)
            .flat_map(|(_, ps)| ps.iter().copied())
            .collect();
        self.nodes
            .iter()
            .filter(|(k, _)| k.0 == app_label && !depended.contains(k))
            .map(|(_, m)| m)
            .collect()
    }

    /// The apps that have migrations.
    pub fn apps(&self) -> BTreeSet<&'static str> {
        self.nodes.keys().map(|k| k.0).collect()
    }

    /// Every migration, each after its dependencies (ties broken by app and name).
    pub fn forwards_plan_all(&self) -> Result<Vec<&Migration>> {
        let keys: Vec<Key> = self.nodes.keys().copied().collect();
        self.topological(&keys)
    }

    /// `target` and everything it depends on, each after its dependencies.
    pub fn forwards_plan(&self, target: &Migration) -> Result<Vec<&Migration>> {
        let wanted = self.ancestors(target.key());
        self.topological(&wanted.into_iter().collect::<Vec<_>>())
    }

    /// `target` and everything that depends on it, each before its dependencies (the order
    /// to unapply them).
    pub fn backwards_plan(&self, target: &Migration) -> Result<Vec<&Migration>> {
        let wanted = self.descendants(target.key());
        let mut plan = self.topological(&wanted.into_iter().collect::<Vec<_>>())?;
        plan.reverse();
        Ok(plan)
    }

    /// The keys `key` depends on, transitively, itself included.
    pub fn ancestors(&self, key: Key) -> BTreeSet<Key> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![key];
        while let Some(k) = stack.pop() {
            if seen.insert(k) {
                if let Some(ps) = self.parents.get(&k) {
                    stack.extend(ps.iter().copied());
                }
            }
        }
        seen
    }

    /// The keys that depend on `key`, transitively, itself included.
    pub fn descendants(&self, key: Key) -> BTreeSet<Key> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![key];
        while let Some(k) = stack.pop() {
            if seen.insert(k) {
                for (child, ps) in &self.parents {
                    if ps.contains(&k) {
                        stack.push(*child);
                    }
                }
            }
        }
        seen
    }

    /// Kahn's algorithm over `keys` (dependencies outside `keys` are taken as done).
    fn topological(&self, keys: &[Key]) -> Result<Vec<&Migration>> {
        let wanted: BTreeSet<Key> = keys.iter().copied().collect();
        let mut done: BTreeSet<Key> = BTreeSet::new();
        let mut plan = Vec::with_capacity(keys.len());
        while done.len() < wanted.len() {
            let ready = wanted.iter().find(|k| {
                !done.contains(*k)
                    && self.parents[*k]
                        .iter()
                        .all(|p| done.contains(p) || !wanted.contains(p))
            });
            match ready {
                Some(k) => {
                    done.insert(*k);
                    plan.push(&self.nodes[k]);
                }
                None => {
                    let stuck: Vec<String> = wanted
                        .difference(&done)
                        .map(|(a, n)| format!("{a}.{n}"))
                        .collect();
                    return Err(state_error(format!(
                        "circular dependency between migrations: {}",
                        stuck.join(", ")
                    )));
                }
            }
        }
        Ok(plan)
    }

    /// The state of every model just before `migration` runs: its ancestors replayed.
    pub fn state_before(&self, migration: &Migration) -> Result<super::ProjectState> {
        let mut ancestors = self.ancestors(migration.key());
        ancestors.remove(&migration.key());
        let mut state = super::ProjectState::new();
        for m in self.topological(&ancestors.into_iter().collect::<Vec<_>>())? {
            m.apply_state(&mut state)?;
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn m(name: &'static str, deps: &'static [(&'static str, &'static str)]) -> Migration {
        Migration::new("app", name, deps, &[])
    }

    #[test]
    fn plans_follow_dependencies_and_branches_are_leaves() {
        let ms = [
            m("0001_initial", &[]),
            m("0002_a", &[("app", "0001_initial")]),
            m("0002_b", &[("app", "0001_initial")]),
        ];
        let g = MigrationGraph::new(&ms).unwrap();
        let leaves: Vec<&str> = g.leaf_nodes("app").iter().map(|m| m.name).collect();
        assert_eq!(leaves, ["0002_a", "0002_b"]);
        let back: Vec<&str> = g
            .backwards_plan(g.node("app", "0001_initial").unwrap())
            .unwrap()
            .iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(back.last(), Some(&"0001_initial"));
        assert_eq!(back.len(), 3);
        assert!(g.find("app", "0002").is_err(), "ambiguous prefix");
        assert_eq!(g.find("app", "0002_a").unwrap().name, "0002_a");
    }

    #[test]
    fn cycles_and_missing_dependencies_are_errors() {
        let cyc = [m("0001", &[("app", "0002")]), m("0002", &[("app", "0001")])];
        assert!(MigrationGraph::new(&cyc).is_err());
        let missing = [m("0001", &[("app", "0000")])];
        assert!(MigrationGraph::new(&missing).is_err());
    }

    #[test]
    fn a_squashed_migration_stands_in_unless_partly_applied() {
        const SQUASHED: Migration = Migration {
            app_label: "app",
            name: "0001_squashed_0002",
            dependencies: &[],
            operations: &[],
            replaces: &[("app", "0001"), ("app", "0002")],
        };
        let ms = [
            m("0001", &[]),
            m("0002", &[("app", "0001")]),
            m("0003", &[("app", "0002")]),
            SQUASHED,
        ];
        let g = MigrationGraph::new(&ms).unwrap();
        let all: Vec<&str> = g
            .forwards_plan_all()
            .unwrap()
            .iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(all, ["0001_squashed_0002", "0003"]);
        let partly: BTreeSet<String> = ["app.0001".to_string()].into();
        let g = MigrationGraph::with_applied(&ms, &partly).unwrap();
        let all: Vec<&str> = g
            .forwards_plan_all()
            .unwrap()
            .iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(all, ["0001", "0002", "0003"]);
    }
}
