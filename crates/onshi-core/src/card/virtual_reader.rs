//! General-purpose readers in software, with a `virtual_card::VirtualCard` on them.
