//! The log grid (after RaftScope): one row per server, one column per log index, each
//! entry labelled with its term; entries a server knows committed are marked, configuration
//! entries are outlined, and compacted prefixes are hatched up to the snapshot's edge.

use super::catalog;
use crate::controller::use_controller;
use crate::i18n::fill;
use crate::labs::GridCell;
use leptos::prelude::*;

#[component]
pub fn LogGridPanel() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    let grid = Memo::new(move |_| ctl.read(|s| s.log_grid(cat())));
    move || {
        grid.get().map(|g| {
            let any = g.rows.iter().any(|r| !r.cells.is_empty());
            let header = (g.first_index..=g.last_index.max(g.first_index))
                .filter(|_| any)
                .map(|i| view! { <th scope="col">{i}</th> })
                .collect_view();
            let rows = g
                .rows
                .into_iter()
                .map(|r| {
                    let server = r.server.clone();
                    let cells = r
                        .cells
                        .into_iter()
                        .enumerate()
                        .map(|(k, cell)| {
                            // A lesson beat points at this entry (`show=S1:2`).
                            let here = format!("{server}:{}", g.first_index + k as u64);
                            let spot = move || ctl.spotlit(|s, _| s == here);
                            (spot, cell)
                        })
                        .map(|(spot, cell)| match cell {
                            GridCell::Snapshot { edge } => {
                                let title = if edge { cat().panels.grid_snapshot_edge } else { cat().panels.grid_snapshot };
                                view! { <td class="compacted" class:snap-edge=edge title=title aria-label=title></td> }.into_any()
                            }
                            GridCell::Text { text, tone, done, title } => view! {
                                <td class=format!("term-{}", tone % 6) class:committed=done class:spot=spot title=title.clone() aria-label=title>
                                    {text}
                                </td>
                            }
                            .into_any(),
                            GridCell::Empty => view! { <td class="empty"></td> }.into_any(),
                            GridCell::Entry { term, committed, config } => {
                                let mut title = fill(
                                    if committed { cat().panels.grid_committed } else { cat().panels.grid_uncommitted },
                                    &[("term", &term.to_string())],
                                );
                                if config {
                                    title = fill(cat().panels.grid_config, &[("entry", &title)]);
                                }
                                view! {
                                    <td class=format!("term-{}", term % 6) class:committed=committed class:config=config class:spot=spot title=title.clone() aria-label=title>
                                        {term}
                                    </td>
                                }
                                .into_any()
                            }
                        })
                        .collect_view();
                    let name = if r.member { r.server } else { fill(cat().panels.grid_outside, &[("server", &r.server)]) };
                    view! { <tr class:down=!r.up class:outside=!r.member><th scope="row">{name}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <section class="panel log-grid" class:spot=move || ctl.spotlit(|s, _| s == "grid") aria-label=g.title>
                    <h2>{g.title}</h2>
                    <p class="muted small">{g.hint}</p>
                    <div class="grid-scroll">
                        <table>
                            <thead><tr><th scope="col">{g.column}</th>{header}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
    }
}
