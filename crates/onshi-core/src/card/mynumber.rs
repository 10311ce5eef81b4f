//! The My Number card's own sequences over a `CardLink` (research/card-reader.md §3).
