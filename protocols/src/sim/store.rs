//! The recorded steps of a run, stored compactly for [`super::history::History`].
//!
//! A [`StepRecord`] holds its event whole and five vectors: kept by the million, their
//! headers, half-empty allocations and a `Vec` of records that doubles as it grows cost
//! more than what the steps did. Here steps live in chunks of at most [`CHUNK`] steps and
//! about [`CHUNK_BYTES`] (estimated) each. A chunk has one arena per kind of effect, and a
//! step is a small head ([`HEAD_BYTES`]): its time, its event, and where its effects end
//! in each arena (they start where the previous step's end). A
//! message delivered, lost or dropped was recorded when it was sent, so when that send is
//! in the same chunk the head points at it instead of holding a second copy of the body.
//! A chunk that is full is shrunk to fit; the oldest chunks can be dropped whole
//! ([`Steps::drop_before`]), which is how a long run is thinned.

use super::{limits, Event, LossReason, NodeId, Protocol, Sent, StepRecord, Tick, Violation};
use std::collections::VecDeque;

/// The most steps in a chunk.
pub const CHUNK: usize = 4096;
/// A chunk that holds this many bytes (estimated) takes no more steps, so that dropping
/// the oldest chunk frees a small part of a run's record even when its steps are heavy.
pub const CHUNK_BYTES: u64 = 1 << 20;

/// Where a step's event is.
#[derive(Clone, Copy)]
enum EventAt {
    /// Stored whole, at this index of the chunk's `events`.
    Whole(u32),
    /// The message sent at this index of the chunk's `sent` arrived.
    Delivered(u32),
    /// The message sent at this index was dropped by an input.
    Dropped(u32),
    /// The message sent at this index was lost.
    Lost(u32, LossReason),
}

/// One step: its time, its event, where its effects end in each arena, and its estimated
/// bytes ([`limits::record_bytes`]).
struct Head {
    time: Tick,
    event: EventAt,
    /// Ends in `sent`, `timers`, `persisted`, `notes` and `violations`.
    ends: [u32; 5],
    bytes: u32,
}

/// The bytes a step's head takes (the fixed part of [`limits::record_bytes`]).
pub const HEAD_BYTES: usize = std::mem::size_of::<Head>();

/// Consecutive steps, from `start`.
struct Chunk<P: Protocol> {
    start: u64,
    /// The estimated bytes of its steps.
    bytes: u64,
    heads: Vec<Head>,
    events: Vec<Event<P>>,
    sent: Vec<Sent<P>>,
    timers: Vec<(NodeId, P::Timer, Tick)>,
    persisted: Vec<NodeId>,
    notes: Vec<(NodeId, P::Note)>,
    violations: Vec<Violation<P>>,
}

impl<P: Protocol> Chunk<P> {
    fn new(start: u64) -> Self {
        Chunk {
            start,
            bytes: 0,
            heads: Vec::new(),
            events: Vec::new(),
            sent: Vec::new(),
            timers: Vec::new(),
            persisted: Vec::new(),
            notes: Vec::new(),
            violations: Vec::new(),
        }
    }

    fn shrink(&mut self) {
        self.heads.shrink_to_fit();
        self.events.shrink_to_fit();
        self.sent.shrink_to_fit();
        self.timers.shrink_to_fit();
        self.persisted.shrink_to_fit();
        self.notes.shrink_to_fit();
        self.violations.shrink_to_fit();
    }

    /// Where step `i`'s effects start in each arena.
    fn starts(&self, i: usize) -> [usize; 5] {
        i.checked_sub(1)
            .map_or([0; 5], |p| self.heads[p].ends.map(|e| e as usize))
    }

    /// The index of the send of message `msg` in this chunk, if it is here with the same
    /// ends and body (ids rise in send order, so `sent` is sorted by them).
    fn sent_as(&self, msg: super::MsgId, from: NodeId, to: NodeId, body: &P::Msg) -> Option<u32> {
        let i = self.sent.binary_search_by_key(&msg, |s| s.msg).ok()?;
        let s = &self.sent[i];
        (s.from == from && s.to == to && s.body == *body).then_some(i as u32)
    }

    /// Where `event` can point instead of being stored whole, if it can.
    fn find(&self, event: &Event<P>) -> Option<EventAt> {
        match event {
            Event::Delivered {
                msg,
                from,
                to,
                body,
            } => self.sent_as(*msg, *from, *to, body).map(EventAt::Delivered),
            Event::Dropped {
                msg,
                from,
                to,
                body,
            } => self.sent_as(*msg, *from, *to, body).map(EventAt::Dropped),
            Event::Lost {
                msg,
                from,
                to,
                body,
                reason,
            } => self
                .sent_as(*msg, *from, *to, body)
                .map(|i| EventAt::Lost(i, *reason)),
            Event::TimerFired { .. } | Event::Input { .. } => None,
        }
    }

    fn event(&self, at: EventAt) -> Event<P> {
        let sent = |i: u32| self.sent[i as usize].clone();
        match at {
            EventAt::Whole(i) => self.events[i as usize].clone(),
            EventAt::Delivered(i) => {
                let Sent {
                    msg,
                    from,
                    to,
                    body,
                    ..
                } = sent(i);
                Event::Delivered {
                    msg,
                    from,
                    to,
                    body,
                }
            }
            EventAt::Dropped(i) => {
                let Sent {
                    msg,
                    from,
                    to,
                    body,
                    ..
                } = sent(i);
                Event::Dropped {
                    msg,
                    from,
                    to,
                    body,
                }
            }
            EventAt::Lost(i, reason) => {
                let Sent {
                    msg,
                    from,
                    to,
                    body,
                    ..
                } = sent(i);
                Event::Lost {
                    msg,
                    from,
                    to,
                    body,
                    reason,
                }
            }
        }
    }

    /// Step `i` of this chunk (step number `step`), as a record.
    fn record(&self, i: usize, step: u64) -> StepRecord<P> {
        let h = &self.heads[i];
        let [s, t, p, n, v] = self.starts(i);
        let [se, te, pe, ne, ve] = h.ends.map(|e| e as usize);
        StepRecord {
            step,
            time: h.time,
            event: self.event(h.event),
            sent: self.sent[s..se].to_vec(),
            timers_set: self.timers[t..te].to_vec(),
            persisted: self.persisted[p..pe].to_vec(),
            notes: self.notes[n..ne].to_vec(),
            violations: self.violations[v..ve].to_vec(),
        }
    }

    /// Keeps the first `n` steps; returns the bytes of the steps dropped.
    fn truncate(&mut self, n: usize) -> u64 {
        let dropped = self.heads[n..].iter().map(|h| h.bytes as u64).sum();
        let [s, t, p, no, v] = self.starts(n);
        let events = self.heads[..n]
            .iter()
            .rev()
            .find_map(|h| match h.event {
                EventAt::Whole(i) => Some(i as usize + 1),
                _ => None,
            })
            .unwrap_or(0);
        self.heads.truncate(n);
        self.events.truncate(events);
        self.sent.truncate(s);
        self.timers.truncate(t);
        self.persisted.truncate(p);
        self.notes.truncate(no);
        self.violations.truncate(v);
        self.bytes -= dropped;
        dropped
    }
}

/// The recorded steps of a run, from the start of the oldest chunk kept to `len()`.
pub struct Steps<P: Protocol> {
    /// In step order, each starting where the one before ends.
    chunks: VecDeque<Chunk<P>>,
    len: u64,
    /// The estimated bytes of the steps kept (see [`limits::record_bytes`]).
    bytes: u64,
}

impl<P: Protocol> Default for Steps<P> {
    fn default() -> Self {
        Steps {
            chunks: VecDeque::new(),
            len: 0,
            bytes: 0,
        }
    }
}

impl<P: Protocol> Steps<P> {
    /// Steps recorded (dropped ones included: step numbers do not move).
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The estimated bytes of the steps kept.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The first step still kept.
    pub fn first(&self) -> u64 {
        self.chunks.front().map_or(self.len, |c| c.start)
    }

    /// The index of the chunk holding a kept step.
    fn chunk_of(&self, step: u64) -> Option<usize> {
        if step < self.first() || step >= self.len {
            return None;
        }
        Some(self.chunks.partition_point(|c| c.start <= step) - 1)
    }

    /// The chunk and index within it of a kept step.
    fn locate(&self, step: u64) -> Option<(&Chunk<P>, usize)> {
        let c = &self.chunks[self.chunk_of(step)?];
        Some((c, (step - c.start) as usize))
    }

    /// The start of the oldest chunk from which the steps kept take at most `bytes`
    /// (the newest chunk's if even it takes more).
    pub fn start_within(&self, bytes: u64) -> u64 {
        let mut total = 0;
        let mut start = self.len;
        for c in self.chunks.iter().rev() {
            total += c.bytes;
            if total > bytes && start < self.len {
                break;
            }
            start = c.start;
        }
        start
    }

    /// Step `step` as a record, if it is kept.
    pub fn get(&self, step: u64) -> Option<StepRecord<P>> {
        self.locate(step).map(|(c, i)| c.record(i, step))
    }

    /// The virtual time step `step` happened at, if it is kept.
    pub fn time(&self, step: u64) -> Option<Tick> {
        self.locate(step).map(|(c, i)| c.heads[i].time)
    }

    /// Appends the next step (`r.step` is [`Steps::len`]).
    pub fn push(&mut self, r: StepRecord<P>) {
        debug_assert_eq!(r.step, self.len);
        let full = |c: &Chunk<P>| c.heads.len() >= CHUNK || c.bytes >= CHUNK_BYTES;
        if self.chunks.back().is_none_or(full) {
            if let Some(last) = self.chunks.back_mut() {
                last.shrink();
            }
            self.chunks.push_back(Chunk::new(r.step));
        }
        let c = self.chunks.back_mut().expect("a chunk for the step");
        let found = c.find(&r.event);
        let bytes = limits::record_bytes(&r, found.is_none());
        let StepRecord {
            time,
            event,
            sent,
            timers_set,
            persisted,
            notes,
            violations,
            ..
        } = r;
        let event = found.unwrap_or_else(|| {
            c.events.push(event);
            EventAt::Whole(c.events.len() as u32 - 1)
        });
        c.sent.extend(sent);
        c.timers.extend(timers_set);
        c.persisted.extend(persisted);
        c.notes.extend(notes);
        c.violations.extend(violations);
        let ends = [
            c.sent.len(),
            c.timers.len(),
            c.persisted.len(),
            c.notes.len(),
            c.violations.len(),
        ]
        .map(|e| u32::try_from(e).expect("a chunk holds fewer than 2^32 effects"));
        let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
        c.heads.push(Head {
            time,
            event,
            ends,
            bytes,
        });
        c.bytes += bytes as u64;
        self.bytes += bytes as u64;
        self.len += 1;
    }

    /// Drops the steps from `len` on (`len` is at least [`Steps::first`]).
    pub fn truncate(&mut self, len: u64) {
        debug_assert!(len >= self.first());
        while self.len > len {
            let last = self.chunks.back_mut().expect("steps past len are kept");
            let start = last.start;
            let keep = len.saturating_sub(start);
            self.bytes -= last.truncate(keep as usize);
            if keep == 0 {
                self.chunks.pop_back();
            }
            self.len = start.max(len);
        }
    }

    /// Drops every chunk that ends at or before `step`: [`Steps::first`] becomes the
    /// start of the chunk holding `step`.
    pub fn drop_before(&mut self, step: u64) {
        while self.chunks.len() > 1 && self.chunks[1].start <= step {
            let c = self.chunks.pop_front().expect("not empty");
            self.bytes -= c.bytes;
        }
    }
}
