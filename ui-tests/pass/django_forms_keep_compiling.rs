include!("../models.rs");

use dorm::field;

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[<Person as dorm::Model>::META], &mut conn)?;
    let ann = Person::objects().create(Person { name: "Ann".into(), age: 30, ..Default::default() }, &mut conn)?;
    let _ = filter!(Person::objects(), name = "Ann", age__gte = 18).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), pk = ann.id.get().unwrap_or_default()).get(&mut conn)?;
    let _ = filter!(Person::objects(), nickname = "annie").exists(&mut conn)?;
    let _ = filter!(Person::objects(), name__in = ["Ann", "Bob"]).count(&mut conn)?;
    let _ = exclude!(filter!(Person::objects(), age__lt = 99), name = "Bob").fetch(&mut conn)?;
    let _ = dorm::order_by!(Person::objects().all(), -age, name).slice(..10).fetch(&mut conn)?;
    let _ = Person::objects().all().reverse().first(&mut conn)?;
    let _ = Person::objects().all().latest(field!(age), &mut conn)?;
    let _ = dorm::update!(filter!(Person::objects(), age__lt = 18), age = 18).execute(&mut conn)?;
    let _ = filter!(Person::objects(), name__icontains = "an", name__startswith = "A").fetch(&mut conn)?;
    let _ = filter!(Person::objects(), name__regex = "^A", age__range = (1, 99)).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), nickname__isnull = true, born__year__gte = 2000).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), born__month__in = [1, 2], born__week_day = 1).count(&mut conn)?;
    let _ = filter!(Person::objects(), q!(name = "Ann") | !q!(age__lt = 18), active = true).fetch(&mut conn)?;
    let none_or_empty = q!(nickname__isnull = true) | q!(nickname = "");
    let _ = exclude!(Person::objects(), none_or_empty).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), age__gt = F(age) - 1, name = F(name)).count(&mut conn)?;
    let _ = dorm::update!(Person::objects().all(), age = F(age) * 2 + 1).execute(&mut conn)?;
    let _ = dorm::values!(Person::objects().all(), name, age).fetch(&mut conn)?;
    let _: Vec<String> = dorm::values_list!(Person::objects().all(), name).distinct().fetch(&mut conn)?;
    let _ = dorm::only!(Person::objects().all(), name).fetch(&mut conn)?;
    let _ = dorm::defer!(Person::objects().all(), nickname).fetch(&mut conn)?;
    let _ = dorm::order_by!(Person::objects().all(), Lower(name), -born.nulls_last(), ?).fetch(&mut conn)?;
    let _ = (filter!(Person::objects(), age = 1) | filter!(Person::objects(), age = 2)).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), age = 1).union(Person::objects().all()).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), id__in = dorm::values_list!(Person::objects().all(), id)).count(&mut conn)?;
    let _ = Person::objects().raw("SELECT * FROM ui_person WHERE age > %s", (18,)).fetch(&mut conn)?;
    let _ = filter!(Person::objects(), name__contains = "a").sql(conn.vendor());
    let _ = filter!(Person::objects(), name__contains = "a").explain(&mut conn)?;
    let mut bob = Person { name: "Bob".into(), ..Default::default() };
    bob.save(&mut conn)?;
    bob.delete(&mut conn)?;
    Ok(())
}
