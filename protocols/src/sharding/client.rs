//! Clients: send requests to their router at random gaps (and typed keys when asked), and
//! note each answer. They keep nothing on disk, never time out and never retry.

use super::key::Key;
use super::msg::{Msg, Note, Op, Request, Timer};
use super::node::O;
use super::Config;
use crate::sim::rng::Rng;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Client {
    pub index: u32,
    /// This life's first request id: its start time × 2^20, so a restarted client
    /// never reuses an id (a late answer to an old request must not end a new one).
    pub base: u64,
    /// Requests sent in this life.
    pub sent: u64,
    /// Requests sent and not answered: id → key.
    pub waiting: BTreeMap<u64, Key>,
    #[serde(skip)]
    pub rng: Rng,
}

impl Client {
    /// A life's start (at init and at each restart): a generator seeded from `Out::seed`
    /// (run seed, node, time), and the first arrival armed.
    pub(super) fn start(cfg: &Config, index: u32, out: &mut O) -> Client {
        let mut rng = Rng::new(out.seed());
        arm(cfg, &mut rng, out);
        Client {
            index,
            base: out.now() << 20,
            sent: 0,
            waiting: BTreeMap::new(),
            rng,
        }
    }

    /// An arrival: a key from `pick_key`, a get or a put with equal odds, and the next
    /// arrival unless this life has sent its `requests`.
    pub(super) fn on_timer(&mut self, cfg: &Config, timer: Timer, out: &mut O) {
        if timer != Timer::Arrive {
            return;
        }
        let key = cfg.pick_key(&mut self.rng);
        let put = self.rng.below(2) == 1;
        let sent = self.send_request(cfg, key, put, false, out);
        if cfg.requests == 0 || sent < cfg.requests {
            arm(cfg, &mut self.rng, out);
        }
    }

    /// A typed key, put or got at once; a name that breaks the key rule is refused.
    pub(super) fn on_request(&mut self, cfg: &Config, req: Request, out: &mut O) {
        let (name, put) = match req {
            Request::Put { key } => (key, true),
            Request::Get { key } => (key, false),
            _ => return,
        };
        match Key::parse(&name) {
            Ok(key) => {
                self.send_request(cfg, key, put, true, out);
            }
            Err(_) => out.note(Note::BadKey { name }),
        }
    }

    /// The router's answer to a request this life is waiting for.
    pub(super) fn on_message(&mut self, msg: Msg, out: &mut O) {
        if let Msg::Response { id, ok, value } = msg {
            let Some(key) = self.waiting.remove(&id) else {
                return;
            };
            if ok {
                out.note(Note::Acknowledged { id, key, value });
            } else {
                out.note(Note::Failed { id, key });
            }
        }
    }

    /// A client's next request: a get, or a put of a value that names the request: its id
    /// × 10 + the client's number (1–4), unique across clients and lives. Returns how many
    /// requests the client has sent in this life.
    fn send_request(&mut self, cfg: &Config, key: Key, put: bool, typed: bool, out: &mut O) -> u64 {
        self.sent += 1;
        let id = self.base + self.sent;
        let op = if put {
            Op::Put {
                value: id.wrapping_mul(10).wrapping_add(u64::from(self.index) + 1),
            }
        } else {
            Op::Get
        };
        self.waiting.insert(id, key);
        out.note(Note::Sent {
            id,
            key,
            op: op.clone(),
            typed,
        });
        out.send(
            cfg.router_of_client(self.index),
            Msg::Request { id, key, op },
        );
        self.sent
    }
}

fn arm(cfg: &Config, rng: &mut Rng, out: &mut O) {
    let gap = rng.arrival_gap(cfg.rate);
    out.set_timer(Timer::Arrive, gap..=gap);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Effect, Out};
    use std::collections::BTreeSet;

    fn client(cfg: &Config, c: u32, now: u64) -> Client {
        Client::start(cfg, c, &mut Out::at(now, 7))
    }

    /// Fires a client's arrival; returns whether it armed the next one, and what it sent.
    fn arrive(cfg: &Config, node: &mut Client) -> (bool, Vec<Msg>) {
        let mut out = Out::default();
        node.on_timer(cfg, Timer::Arrive, &mut out);
        let armed = out.effects.iter().any(|e| {
            matches!(
                e,
                Effect::SetTimer {
                    timer: Timer::Arrive,
                    ..
                }
            )
        });
        (armed, out.sends().into_iter().map(|(_, m)| m).collect())
    }

    /// `requests` counts this life's requests in full: past 2^20 (where ids once wrapped
    /// into a 20-bit count) a client still stops after exactly `requests`.
    #[test]
    fn a_client_stops_after_its_requests_even_past_two_to_the_twenty() {
        let cfg = Config {
            requests: (1 << 20) + 2,
            ..Config::default()
        };
        let mut node = client(&cfg, 0, 0);
        node.sent = 1 << 20;
        assert!(arrive(&cfg, &mut node).0, "request 2^20 + 1: more to come");
        assert!(!arrive(&cfg, &mut node).0, "request 2^20 + 2: the last");
    }

    /// Put values name their request: no two clients, and no two lives of one client,
    /// ever write the same value, however many requests they send (client 1's millionth
    /// put once wrote client 2's first value).
    #[test]
    fn put_values_are_unique_across_clients_and_lives() {
        let cfg = Config::default();
        let mut values = BTreeSet::new();
        for (c, now, before) in [(0, 0, 999_990), (1, 0, 0), (0, 5, 0), (1, 5, 999_990)] {
            let mut node = client(&cfg, c, now);
            node.sent = before;
            for _ in 0..40 {
                let mut out = Out::default();
                let put = Request::Put { key: "k".into() };
                node.on_request(&cfg, put, &mut out);
                for (_, m) in out.sends() {
                    if let Msg::Request {
                        op: Op::Put { value },
                        ..
                    } = m
                    {
                        assert!(values.insert(value), "value {value} written twice");
                    }
                }
            }
        }
        assert_eq!(values.len(), 160);
    }
}
