use super::*;
use protocols::load_balancing::invariants::Invariant;

pub(super) fn failure_text(f: &Failure, cat: &Catalog) -> &'static str {
    let l = &cat.lb;
    match f {
        Failure::Rejected => l.f_rejected,
        Failure::Timeout => l.f_timeout,
        Failure::NoBackend => l.f_no_backend,
        Failure::ClientTimeout => l.f_client_timeout,
    }
}

impl Narrate for LoadBalancing {
    fn msg_label(msg: &Msg, cat: &Catalog) -> String {
        let l = &cat.lb;
        match msg {
            Msg::Request { id, .. } => fill(l.m_request, &[("id", &req(id))]),
            Msg::Forward { id, attempt, .. } => fill(
                l.m_forward,
                &[("id", &req(id)), ("attempt", &attempt.to_string())],
            ),
            Msg::Response { id, ok: true, .. } => fill(l.m_done, &[("id", &req(id))]),
            Msg::Response { id, ok: false, .. } => fill(l.m_refused, &[("id", &req(id))]),
            Msg::Reply { id, failure: None } => fill(l.m_reply_ok, &[("id", &req(id))]),
            Msg::Reply {
                id,
                failure: Some(f),
            } => fill(
                l.m_reply_failed,
                &[("id", &req(id)), ("why", failure_text(f, cat))],
            ),
            Msg::Probe { .. } => l.m_probe.to_string(),
            Msg::ProbeOk { .. } => l.m_probe_ok.to_string(),
        }
    }

    fn msg_tone(msg: &Msg) -> Tone {
        match msg {
            Msg::Request { .. } | Msg::Forward { .. } => Tone::Working,
            Msg::Response { ok: true, .. } | Msg::Reply { failure: None, .. } => Tone::Good,
            Msg::Response { ok: false, .. } | Msg::Reply { .. } => Tone::Bad,
            Msg::Probe { .. } | Msg::ProbeOk { .. } => Tone::Blocked,
        }
    }

    fn msg_fields(msg: &Msg, cat: &Catalog) -> Vec<Row> {
        let l = &cat.lb;
        let s = |v: u64| v.to_string();
        match msg {
            Msg::Request { id, key, cost } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(l.f_key, key.map_or(l.none.to_string(), |k| k.to_string())),
                Row::new(l.f_cost, s(*cost)),
            ],
            Msg::Forward { id, cost, attempt } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(l.f_cost, s(*cost)),
                Row::new(l.f_attempt, s(u64::from(*attempt))),
            ],
            Msg::Response { id, attempt, ok } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(l.f_attempt, s(u64::from(*attempt))),
                Row::new(l.f_outcome, if *ok { l.done } else { l.f_rejected }),
            ],
            Msg::Reply { id, failure } => vec![
                Row::new(l.f_request, req(id)),
                Row::new(
                    l.f_outcome,
                    failure.as_ref().map_or(l.done, |f| failure_text(f, cat)),
                ),
            ],
            Msg::Probe { seq } | Msg::ProbeOk { seq } => vec![Row::new(l.f_probe, s(*seq))],
        }
    }

    fn timer_label(timer: &Timer, cat: &Catalog) -> String {
        let l = &cat.lb;
        match timer {
            Timer::Arrive => l.t_arrive.to_string(),
            Timer::GiveUp { seq } => fill(l.t_give_up, &[("seq", &seq.to_string())]),
            Timer::Expire { id } => fill(l.t_expire, &[("id", &req(id))]),
            Timer::Probe => l.t_probe.to_string(),
            Timer::Revive { backend } => fill(
                l.t_revive,
                &[(
                    "backend",
                    &fill(l.backend, &[("n", &(backend + 1).to_string())]),
                )],
            ),
            Timer::Done { id } => fill(l.t_done, &[("id", &req(id))]),
        }
    }

    fn request_text(r: &Request, cat: &Catalog) -> String {
        let l = &cat.lb;
        match r {
            Request::Slow { percent: 100 } => l.r_normal.to_string(),
            Request::Slow { percent } => fill(l.r_slow, &[("percent", &percent.to_string())]),
            Request::SendNow => l.r_send_now.to_string(),
            Request::UseAlgorithm { algorithm } => {
                fill(l.r_use, &[("algorithm", algo_name(*algorithm, cat))])
            }
        }
    }

    fn note_text(cfg: &Config, node: NodeId, note: &Note, cat: &Catalog) -> String {
        let l = &cat.lb;
        let me = name(cfg, node, cat);
        let be = |b: &u32| fill(l.backend, &[("n", &(b + 1).to_string())]);
        let s = |v: u64| v.to_string();
        match note {
            Note::Issued { id, cost, .. } => fill(
                l.n_issued,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("cost", &ticks(*cost, cat)),
                ],
            ),
            Note::Completed { id, latency, .. } => fill(
                l.n_completed,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("latency", &ticks(*latency, cat)),
                ],
            ),
            Note::Failed { id, failure, .. } => fill(
                l.n_failed,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("why", failure_text(failure, cat)),
                ],
            ),
            Note::LateReply { id } => fill(l.n_late_reply, &[("node", &me), ("id", &req(id))]),
            Note::Routed {
                id,
                backend,
                attempt,
            } => fill(
                if *attempt > 1 {
                    l.n_routed_retry
                } else {
                    l.n_routed
                },
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::Retrying { id, attempt } => fill(
                l.n_retrying,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("attempt", &s(u64::from(*attempt))),
                ],
            ),
            Note::NoRetryBudget { id } => fill(l.n_no_budget, &[("node", &me), ("id", &req(id))]),
            Note::AttemptTimedOut { id, backend } => fill(
                l.n_attempt_timeout,
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::RejectedBy { id, backend } => fill(
                l.n_rejected_by,
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::MarkedDown {
                backend,
                passive: false,
            } => fill(l.n_down_active, &[("node", &me), ("backend", &be(backend))]),
            Note::MarkedDown {
                backend,
                passive: true,
            } => fill(
                l.n_down_passive,
                &[("node", &me), ("backend", &be(backend))],
            ),
            Note::MarkedUp {
                backend,
                why: UpBecause::ProbesAnswered,
            } => fill(
                l.n_up,
                &[
                    ("node", &me),
                    ("backend", &be(backend)),
                    ("probes", &counted(u64::from(cfg.healthy_after), l.probes)),
                ],
            ),
            Note::MarkedUp {
                backend,
                why: UpBecause::FailTimeout,
            } => fill(
                l.n_up_fail_timeout,
                &[
                    ("node", &me),
                    ("backend", &be(backend)),
                    ("ticks", &ticks(cfg.request_timeout, cat)),
                ],
            ),
            Note::ProbeMissed { backend, misses } => fill(
                l.n_probe_missed,
                &[
                    ("node", &me),
                    ("backend", &be(backend)),
                    ("n", &s(u64::from(*misses))),
                ],
            ),
            Note::LateResponse { id, backend } => fill(
                l.n_late_response,
                &[("node", &me), ("id", &req(id)), ("backend", &be(backend))],
            ),
            Note::Started {
                id,
                running,
                queued,
            } => fill(
                l.n_started,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("running", &s(u64::from(*running))),
                    ("queued", &s(u64::from(*queued))),
                ],
            ),
            Note::Queued { id, queued, .. } => fill(
                l.n_queued,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("queued", &s(u64::from(*queued))),
                ],
            ),
            Note::Refused { id, .. } => fill(l.n_refused, &[("node", &me), ("id", &req(id))]),
            Note::Finished { id, busy, .. } => fill(
                l.n_finished,
                &[
                    ("node", &me),
                    ("id", &req(id)),
                    ("busy", &ticks(*busy, cat)),
                ],
            ),
            Note::SpeedSet { percent } => fill(
                l.n_speed,
                &[("node", &me), ("percent", &s(u64::from(*percent)))],
            ),
            Note::AlgorithmSet { algorithm } => fill(
                l.n_algorithm,
                &[("node", &me), ("algorithm", algo_name(*algorithm, cat))],
            ),
            Note::Restarted => fill(l.n_restarted, &[("node", &me)]),
            Note::RequestLost { id } => fill(l.n_lost, &[("id", &req(id))]),
            Note::RoutedToDown { id, backend } => fill(
                l.n_routed_down,
                &[("id", &req(id)), ("backend", &be(backend))],
            ),
        }
    }

    fn invariant_text(invariant: Invariant, cat: &Catalog) -> (&'static str, &'static str) {
        let l = &cat.lb;
        match invariant {
            Invariant::NoneLost => (l.inv_none_lost, l.inv_none_lost_help),
            Invariant::NoRouteToDown => (l.inv_no_route, l.inv_no_route_help),
        }
    }
}
