//! Helpers shared by the integration tests.
#![allow(dead_code)]
pub mod error_cases;
pub mod netns;
pub mod tcases;
