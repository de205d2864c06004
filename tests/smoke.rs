mod common;
use common::models::*;
use dorm::prelude::*;

#[test]
fn smoke() {
    common::each_backend("smoke", |_db, conn| {
        let p = Person::objects()
            .create(
                conn,
                Person {
                    name: "Ann".into(),
                    age: 30,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(p.id.is_set());
        let all = Person::objects().all().fetch(conn).unwrap();
        assert_eq!(all, vec![p]);
        let e = Everything::objects()
            .create(conn, Everything::default())
            .unwrap();
        let back = Everything::objects()
            .get(e.id.get().unwrap(), conn)
            .unwrap();
        assert_eq!(back, e);
    });
}
