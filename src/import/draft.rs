//! `royalty formats draft FILE`: a profile proposed for a layout no
//! profile fits, for the user to check and save.
