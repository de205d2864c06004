// Migration files refer to `upload_to` functions and callable defaults by path
// (`dorm::fn_ref!`); while the functions exist, they compile.
use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};

pub mod models {
    pub fn venue_directory_path<M>(_instance: &M, filename: &str) -> String {
        format!("venue/{filename}")
    }
}

const PHOTO: FieldMeta = FieldMeta::new("photo_file", FieldKind::ImageField)
    .null()
    .upload_to(dorm::fn_ref!(crate::models::venue_directory_path));
const JOINED: FieldMeta = FieldMeta::new("date_joined", FieldKind::DateTimeField)
    .default(DefaultMeta::Callable(dorm::fn_ref!(dorm::fields::now())));

fn main() {
    assert!(PHOTO.upload_to.unwrap().ends_with("::models::venue_directory_path"));
    assert_eq!(JOINED.default, DefaultMeta::Callable("dorm::fields::now()"));
}
