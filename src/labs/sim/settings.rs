//! The settings panel: the lab's configuration fields (from its schema) and the network's.

use super::Sim;
use crate::i18n::Catalog;
use crate::labs::lab::Lab;
use crate::labs::{Setting, SettingKind};
use protocols::sim::history::RunSpec;
use protocols::sim::schema::{FieldKind, Schema};

/// Names a choice setting's options in the catalog's words (the schema has the
/// scenario's names), in the schema's order.
pub fn label_options(settings: &mut [Setting], key: &str, labels: Vec<&'static str>) {
    for s in settings.iter_mut().filter(|s| s.key == key) {
        if let SettingKind::Choice { options, .. } = &mut s.kind {
            assert_eq!(options.len(), labels.len(), "{key}: one label per option");
            *options = labels.clone();
        }
    }
}

/// A settings panel from the schema: for each shown field, in order, its label and (for
/// a toggle) its help from the lab's text; its kind, range and value from the schema.
pub fn settings_from<C: Schema>(
    cfg: &C,
    shown: &[(&'static str, &'static str, &'static str)],
) -> Vec<Setting> {
    shown
        .iter()
        .map(|&(key, label, help)| {
            let f = C::field(key).unwrap_or_else(|| panic!("{key} is not a configuration field"));
            let value = (f.get)(cfg);
            let kind = match f.kind {
                FieldKind::Number { min, max } => SettingKind::Number { min, max, value },
                FieldKind::Toggle => SettingKind::Toggle {
                    on: value != 0,
                    help,
                },
                FieldKind::Choice { options } => SettingKind::Choice {
                    options: options.to_vec(),
                    value,
                },
            };
            Setting { key, label, kind }
        })
        .collect()
}
impl<P: Lab> Sim<P> {
    pub(super) fn all_settings(&self, cat: &Catalog) -> Vec<Setting> {
        let net = &self.history.spec().net;
        let number = |key, label, min, max, value| Setting {
            key,
            label,
            kind: SettingKind::Number { min, max, value },
        };
        let mut all = P::settings(self.cfg(), cat);
        all.push(number(
            "latency_ticks_min",
            cat.settings.latency_min,
            1,
            10_000,
            net.latency_ticks_min,
        ));
        all.push(number(
            "latency_ticks_max",
            cat.settings.latency_max,
            1,
            10_000,
            net.latency_ticks_max,
        ));
        all.push(number(
            "loss_per_mille",
            cat.settings.loss,
            0,
            1000,
            net.loss_per_mille as u64,
        ));
        all
    }

    /// The run's spec with one setting changed and no inputs (a fresh run).
    pub(super) fn spec_with(&self, key: &str, value: u64) -> Result<RunSpec<P>, String> {
        let mut spec = self.history.spec().clone();
        spec.inputs.clear();
        match key {
            "latency_ticks_min" => spec.net.latency_ticks_min = value,
            "latency_ticks_max" => spec.net.latency_ticks_max = value,
            "loss_per_mille" => spec.net.loss_per_mille = value.min(u16::MAX as u64) as u16,
            _ if P::set(&mut spec.cfg, key, value) => {}
            _ => return Err(format!("unknown setting {key}")),
        }
        Ok(spec)
    }
}
