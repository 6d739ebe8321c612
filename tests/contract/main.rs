//! The store's contract: every behaviour a front end relies on, written once over a store
//! factory and run for every backend in [`contract!`]'s list, so no backend can drift.
//!
//! A case is a plain `pub fn case(db: &Db)` in one of the modules below; `Db` is a fresh,
//! empty database of the backend under test, opened as often and by whom the case likes. A
//! case that is not in the list below is dead code, which clippy (`-D warnings`) refuses.
//! What only a SQLite file can do or suffer (faults, migrations, locks) is in tests/sqlite_file.rs.

#[path = "../common/mod.rs"]
mod common;

mod backend;
mod concurrency;
mod dupes;
mod editing;
mod exchange;
mod privacy;
mod retention;
mod search;
mod store;
mod trust;

pub use backend::Db;

/// Instantiates every case once per backend, as `<backend>::<case>`.
macro_rules! contract {
    (backends { $($backend:ident => $factory:path,)+ } cases $cases:tt) => {
        $(
            mod $backend {
                contract!(@cases $factory, $cases);
            }
        )+
    };
    (@cases $factory:path, { $($module:ident :: $case:ident,)+ }) => {
        $(
            #[test]
            fn $case() {
                let db = $crate::backend::Db::new(stringify!($case), $factory);
                $crate::$module::$case(&db);
            }
        )+
    };
}

contract! {
    // A backend is added here, with one line: `name => factory,` (factories in backend.rs).
    backends {
        sqlite_file => crate::backend::sqlite_file,
        loopback_server => crate::backend::loopback_server,
    }
    cases {
        store::preference_for_unknown_guest_is_refused,
        store::undo_retires_but_keeps_the_record,
        store::board_sorts_stays_into_arrivals_in_house_and_departures_with_alerts,
        store::vip_sheet_carries_past_complaints_for_the_roles_that_print_it,
        store::flags_are_alerts_and_the_flagged_list_holds_them_all,
        store::a_long_stay_resident_is_in_house_on_the_board,
        store::an_unknown_guest_is_not_found_alike_for_every_call,
        store::a_profile_reads_back_equal_from_its_json,
        search::every_kind_of_query_finds_the_right_guest,
        search::exact_phone_outranks_name_and_highlights_the_digits,
        search::namesakes_tie_break_on_vip_then_most_recent_stay,
        search::a_vip_among_hundreds_of_namesakes_comes_first_and_stops_when_no_longer_vip,
        search::last_stay_follows_stays_imported_changed_and_moved,
        search::last_digits_shared_by_many_rank_vip_then_recent_stay_and_skip_merged,
        search::limit_caps_the_hits,
        search::nonsense_gives_no_hits_and_no_error,
        search::queries_stay_right_after_edit_merge_and_erase,
        search::a_guest_cannot_be_merged_into_itself,
        search::names_as_they_are_written_are_found_every_way_they_are_said,
        editing::stale_edit_is_refused_naming_who_changed_it_and_when,
        editing::a_stale_edit_from_another_connection_keeps_the_first_change_whole,
        editing::edit_moves_search_keys_with_the_profile,
        editing::a_guest_import_with_some_columns_leaves_the_others_alone,
        exchange::export_then_import_into_a_fresh_database_exports_the_same,
        exchange::a_refused_import_writes_nothing,
        trust::roles_come_from_the_database_and_every_call_is_checked,
        trust::sign_in_is_required_when_the_hotel_says_so,
        trust::settings_in_the_database_are_checked_on_every_write,
        trust::every_change_is_in_the_audit_log_for_managers_to_read,
        concurrency::four_terminals_recording_at_once_lose_nothing,
        concurrency::reads_during_a_large_import_see_the_old_data,
        privacy::each_role_sees_a_profile_as_the_matrix_says,
        privacy::housekeeping_guessing_an_id_not_in_house_gets_not_found,
        privacy::a_masked_value_is_never_written_back,
        privacy::a_reveal_is_allowed_per_the_matrix_and_on_record,
        privacy::incognito_guests_are_found_by_their_real_name_only_from_manager_up,
        privacy::sign_ins_and_exports_are_on_record,
        privacy::only_who_sees_the_real_name_changes_it_or_the_pseudonym,
        dupes::dupes_are_scored_best_first_and_namesakes_are_not_flagged,
        dupes::the_sample_hotel_flags_its_shared_line_and_no_namesakes,
        dupes::a_pair_marked_never_stays_away_whatever_reason_finds_it,
        dupes::only_managers_list_dupes_and_mark_pairs,
        dupes::merged_and_erased_profiles_are_never_listed,
        dupes::an_import_names_the_rows_that_look_like_other_profiles,
        dupes::after_a_merge_reads_agree_and_writes_to_the_old_id_name_keep,
        retention::retention_anonymises_old_profiles_and_counts_the_blocked,
        retention::an_erased_id_is_a_tombstone_no_import_or_add_brings_back,
        retention::export_guest_holds_everything_about_one_guest_and_is_audited,
        trust::shifting_the_sample_dates_is_in_the_audit_log,
    }
}
