//! Mounts the app; all of it lives in the library.

fn main() {
    leptos::mount::mount_to_body(onshi::App);
}
