fn main() {
    playground::panic_banner::install();
    leptos::mount::mount_to_body(playground::app::App);
}
