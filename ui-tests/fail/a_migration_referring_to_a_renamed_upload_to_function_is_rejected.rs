// The scrap book's "Danger": a migration refers to the `upload_to` function by path, so
// renaming the function (here `venue_directory_path` became `venue_folder`) breaks the build
// instead of a deployed migration.
use dorm::fields::{FieldKind, FieldMeta};

pub mod models {
    pub fn venue_folder<M>(_instance: &M, filename: &str) -> String {
        format!("venue/{filename}")
    }
}

const PHOTO: FieldMeta = FieldMeta::new("photo_file", FieldKind::ImageField)
    .null()
    .upload_to(dorm::fn_ref!(crate::models::venue_directory_path));

fn main() {
    let _ = PHOTO;
}
