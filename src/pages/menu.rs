//! S2: the menu, with the tiles the signed-in kind may use (seed 004's menu tree; decisions.md D2).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::Frame,
    labels,
    menu::{Group, Tile, TileState, menu_for},
    state::{use_capabilities, use_session},
};

#[component]
pub fn MenuPage() -> impl IntoView {
    let session = use_session();
    let groups = move || session.with(|s| s.map(|s| menu_for(s.account.kind)).unwrap_or_default());
    view! {
        <Frame screen=labels::SCREEN_MENU footer=false>
            <div class="menu">
                {move || groups().into_iter().map(|group| view! { <MenuGroup group=group /> }).collect_view()}
            </div>
        </Frame>
    }
}

#[component]
fn MenuGroup(group: Group) -> impl IntoView {
    view! {
        <section class="menu-group">
            {group.heading.map(|h| view! { <h2 class="menu-group-heading">{h}</h2> })}
            <ul class="menu-tiles">
                {group.tiles.into_iter().map(|tile| view! { <li><MenuTile tile=tile /></li> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn MenuTile(tile: Tile) -> impl IntoView {
    let capabilities = use_capabilities();
    let state = move || tile.state(|group| capabilities.offers(group));
    move || match state() {
        TileState::Opens(route) => view! {
            <A href=route.path() attr:class="tile">
                <span class="tile-label">{tile.label}</span>
            </A>
        }
        .into_any(),
        TileState::ComingSoon => view! {
            <span class="tile tile-soon" aria-disabled="true" data-testid="tile-soon">
                <span class="tile-label">{tile.label}</span>
                <span class="tile-badge">{labels::COMING_SOON}</span>
            </span>
        }
        .into_any(),
        TileState::Unavailable => view! {
            <span
                class="tile tile-unavailable"
                aria-disabled="true"
                title=labels::TILE_UNAVAILABLE
                data-testid="tile-unavailable"
            >
                <span class="tile-label">{tile.label}</span>
                <span class="tile-badge">{labels::TILE_UNAVAILABLE}</span>
            </span>
        }
        .into_any(),
    }
}
