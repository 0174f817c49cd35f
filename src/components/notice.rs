//! A message above the lab: an error (a broken link, an impossible setting) or a hint.

use super::catalog;
use crate::controller::use_controller;
use leptos::prelude::*;

#[component]
pub fn NoticeBar() -> impl IntoView {
    let ctl = use_controller();
    let cat = catalog();
    move || {
        ctl.notice.get().map(|n| {
            view! {
                <div class=if n.error { "notice error" } else { "notice info" } role=if n.error { "alert" } else { "status" }>
                    <span>{n.text}</span>
                    <button class="btn btn-small" on:click=move |_| ctl.notice.set(None)>{cat().errors.dismiss}</button>
                </div>
            }
        })
    }
}
