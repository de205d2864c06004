include!("../models.rs");

use dorm::expressions::functions::*;

dorm::function!(
    /// A function the database has, declared with its signature.
    pub Levenshtein = "levenshtein"(Text, Text) -> Integer
);
dorm::function!(Random = "random"() -> BigInt);
dorm::function!(pub(crate) NullIfEqual = "nullif"(Nullable<Text>, Text) -> Nullable<Text>);

fn main() -> dorm::Result<()> {
    // Built-in functions: text, conversion, dates, nesting, comparisons with annotations.
    let qs = annotate!(
        Person::objects(),
        initial = Substr(name, 1, 1),
        shout = Upper(Concat3(name, " aka ", nickname)),
        called = Coalesce(nickname, name),
        year = ExtractYear(born),
        month = Trunc(born, TruncKind::Month),
        age_text = Cast(age, Text)
    );
    let qs = filter!(qs, initial = F(initial), year__gte = 2000);
    let _: String =
        values!(order_by!(qs, -year), called, shout, year).sql(dorm::db::Vendor::Sqlite);
    // Custom functions take expressions and values of their declared types.
    let _ = annotate!(
        Person::objects(),
        distance = Levenshtein(name, "Zeus"),
        noise = Random(),
        nick = NullIfEqual(nickname, name),
        oldest = Greatest3(age, Abs(age - 100), 18),
        rounded = Round(Cast(age, Double), precision = 1),
        when = Now()
    );
    // Inside aggregates.
    let _ = aggregate!(
        Person::objects(),
        letters = Sum(Length(name)),
        last = Max(Lower(name))
    );
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[<Person as dorm::Model>::META], &mut conn)?;
    let people = annotate!(
        Person::objects(),
        lower = Lower(name),
        len = Length(nickname)
    );
    let _: Vec<(Person, String, Option<i32>)> = people.fetch(&mut conn)?;
    Ok(())
}
