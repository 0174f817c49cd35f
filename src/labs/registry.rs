//! Every lab in one table, in tab order: its slug (its engine's scenario name), its
//! title and introduction in the catalog, and how to start or load a run. Nothing else in
//! the UI lists the labs (the engines have theirs, `protocols::registry`).

use super::{Lab, LabId, LabSim, Sim};
use crate::i18n::Catalog;
use protocols::lesson::Lesson;
use protocols::load_balancing::LoadBalancing;
use protocols::paxos::Paxos;
use protocols::raft::Raft;
use protocols::registry::Engine;
use protocols::sharding::Sharding;
use protocols::two_phase_commit::TwoPhaseCommit;

/// A run loaded from scenario JSON, or why not (in the catalog's words).
pub type Loaded = Result<Box<dyn LabSim>, String>;

pub struct Entry {
    pub id: LabId,
    /// The URL slug, which is the engine's scenario name.
    pub slug: &'static str,
    pub title: fn(&Catalog) -> &'static str,
    pub intro: fn(&Catalog) -> &'static str,
    /// The lab's notation, for the legend.
    pub legend: fn(&Catalog) -> &'static [(&'static str, &'static str)],
    /// A fresh run with the lab's defaults and a seed.
    pub fresh: fn(u64) -> Box<dyn LabSim>,
    /// A run loaded from scenario JSON.
    pub load: fn(&str, &Catalog) -> Loaded,
    /// The engine's example scenario.
    pub example: &'static str,
    /// The lab's lessons (their file names, docs/lessons.md), in the order the page
    /// lists them.
    pub lessons: &'static [&'static str],
    /// The run a lesson starts from.
    pub lesson_sim: fn(&Lesson) -> Loaded,
}

fn fresh<P: Lab>(seed: u64) -> Box<dyn LabSim> {
    Box::new(Sim::<P>::fresh(seed))
}

fn load<P: Lab>(json: &str, cat: &Catalog) -> Loaded {
    Ok(Box::new(Sim::<P>::load(json, cat)?))
}

fn lesson_sim<P: Lab>(lesson: &Lesson) -> Loaded {
    Ok(Box::new(Sim::<P>::for_lesson(lesson)?))
}

const fn lab<P: Lab + Engine>(
    title: fn(&Catalog) -> &'static str,
    intro: fn(&Catalog) -> &'static str,
    legend: fn(&Catalog) -> &'static [(&'static str, &'static str)],
    lessons: &'static [&'static str],
) -> Entry {
    Entry {
        id: P::LAB,
        slug: P::NAME,
        title,
        intro,
        legend,
        fresh: fresh::<P>,
        load: load::<P>,
        example: P::EXAMPLE,
        lessons,
        lesson_sim: lesson_sim::<P>,
    }
}

/// In the order of [`LabId`] (a test checks it).
pub const LABS: [Entry; 5] = [
    lab::<TwoPhaseCommit>(
        |c| c.tpc.title,
        |c| c.tpc.intro,
        |c| c.tpc.legend,
        super::two_phase_commit::lessons::ALL,
    ),
    lab::<Raft>(
        |c| c.raft.title,
        |c| c.raft.intro,
        |c| c.raft.legend,
        super::raft::lessons::ALL,
    ),
    lab::<Paxos>(
        |c| c.paxos.title,
        |c| c.paxos.intro,
        |c| c.paxos.legend,
        super::paxos::lessons::ALL,
    ),
    lab::<Sharding>(
        |c| c.shard.title,
        |c| c.shard.intro,
        |c| c.shard.legend,
        super::sharding::lessons::ALL,
    ),
    lab::<LoadBalancing>(
        |c| c.lb.title,
        |c| c.lb.intro,
        |c| c.lb.legend,
        super::load_balancing::lessons::ALL,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_follows_lab_ids_and_every_engine_has_a_lab() {
        for (i, lab) in LABS.iter().enumerate() {
            assert_eq!(lab.id as usize, i);
            assert_eq!(LabId::ALL[i], lab.id);
        }
        let slugs: Vec<&str> = LABS.iter().map(|l| l.slug).collect();
        assert_eq!(slugs, protocols::registry::NAMES);
    }
}
