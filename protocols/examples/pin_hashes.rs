//! Prints the reference runs' trace hashes, to re-pin `src/reference.rs` after a
//! deliberate change to a protocol or the simulator (and bump the format version
//! if old scenario files would now replay differently).
fn main() {
    for r in protocols::reference::REFERENCES {
        println!("{} {:#018x}", r.name, protocols::reference::compute(r));
    }
}
