//! The OpenAPI document of the JSON API, served at `/api/openapi.json`: the parts described
//! beside their handlers (the other files of `api/`), the bearer-token scheme, and the error
//! answers every operation shares. Errors are `application/problem+json`, so each error status
//! refers to one of the reusable responses below rather than to a bare `Problem` body (which utoipa
//! would label `application/json`). CI runs schemathesis against this document
//! (`.ci/schemathesis.sh`).

use crate::api::{FieldError, Problem};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{self, ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi;
use xplus_core::interchange::schema::{
    FileSpec, HOUSEHOLDS, INCOMES, MEMBERS, UNIT_VILLAGE_PAIRINGS,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "xplus API",
        description = "“X+贫困户”全链条精准保障体系 — registry records within the caller's reach."
    ),
    components(
        schemas(
            Problem,
            FieldError,
            NewHousehold,
            HouseholdChange,
            MemberRows,
            IncomeRow,
            UnitPairingRow
        ),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            PreconditionFailed,
            Conflicted,
            PayloadTooLarge,
            UnsupportedMediaType,
            Unprocessable,
            PreconditionRequired
        )
    ),
    modifiers(&BearerAuth)
)]
struct BaseDoc;

/// The parts of the document, one per API module.
fn parts() -> Vec<openapi::OpenApi> {
    vec![
        BaseDoc::openapi(),
        crate::api::households::HouseholdsDoc::openapi(),
        crate::api::edit::EditDoc::openapi(),
        crate::api::regions::RegionsDoc::openapi(),
        crate::api::search::SearchDoc::openapi(),
        crate::api::audit::AuditDoc::openapi(),
        crate::api::education::EducationDoc::openapi(),
        crate::api::backbone::BackboneDoc::openapi(),
        crate::api::entries::EntriesDoc::openapi(),
        crate::api::activity::ActivityDoc::openapi(),
        crate::api::review::ReviewDoc::openapi(),
        crate::api::collective::CollectiveDoc::openapi(),
        crate::api::funds::FundsDoc::openapi(),
        crate::api::ranking::RankingDoc::openapi(),
        crate::api::industry::IndustryDoc::openapi(),
        crate::api::assessment::AssessmentDoc::openapi(),
        crate::api::visits::VisitsDoc::openapi(),
        crate::api::findings::FindingsDoc::openapi(),
        crate::api::cases::CasesDoc::openapi(),
        crate::api::party_building::PartyBuildingDoc::openapi(),
        crate::api::village_cadres::VillageCadresDoc::openapi(),
        crate::api::startups::StartupsDoc::openapi(),
        crate::api::lectures::LecturesDoc::openapi(),
    ]
}

/// The whole document. A schema name used by two parts keeps the first part's schema (utoipa's
/// merge), so two types must never share a name; a test below checks it.
pub fn document() -> openapi::OpenApi {
    let mut parts = parts().into_iter();
    let mut doc = parts.next().expect("the base part");
    for part in parts {
        doc.merge(part);
    }
    doc
}

pub async fn serve_document() -> Response {
    Json(document()).into_response()
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![openapi::security::SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

fn problem(description: &str) -> RefOr<openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// A reusable error answer: `(status = 404, response = NotFound)` in a path attribute.
macro_rules! problem_response {
    ($name:ident, $description:literal) => {
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<openapi::Response>) {
                (stringify!($name), problem($description))
            }
        }
    };
}

problem_response!(
    BadRequest,
    "A query parameter, path segment or body that cannot be read (not a number, not a date, not JSON)."
);
problem_response!(
    Unauthorized,
    "No valid API token (`Authorization: Bearer …`) and no session."
);
problem_response!(
    Forbidden,
    "Outside the caller's reach or role (an auditor writes nothing), or a session's write without `X-CSRF-Token`."
);
problem_response!(
    NotFound,
    "No such record, or outside the caller's reach (the same answer, so that nobody learns which numbers exist elsewhere)."
);
problem_response!(
    PreconditionFailed,
    "`If-Match` no longer matches: the household changed since it was read; nothing was saved."
);
problem_response!(
    Conflicted,
    "The stored record stands in the way (a kept attachment that no longer matches its SHA-256, a household that already has an open monitoring case, a case changed meanwhile); nothing was changed."
);
problem_response!(
    PayloadTooLarge,
    "The body is larger than the API accepts (2 MiB)."
);
problem_response!(
    UnsupportedMediaType,
    "The body was not sent as `Content-Type: application/json`."
);
problem_response!(
    Unprocessable,
    "A body of the wrong shape, or values refused by a rule (`errors` names the fields); nothing was saved."
);
problem_response!(
    PreconditionRequired,
    "A change without `If-Match` (the fingerprint of the last read)."
);

/// A record as the API takes it: the bundle file's columns, each text (or null for empty), as
/// the importer reads a cell. Columns come from the file's spec, so the document cannot drift
/// from what `record_of` accepts; unknown columns are refused, hence no additional properties.
/// With `key_in_path` the first column (the household) comes from the path, not the body.
fn row_schema(spec: &FileSpec, key_in_path: bool, description: &str) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new()
        .description(Some(description))
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)));
    for (i, column) in spec.columns.iter().enumerate() {
        let from_path = key_in_path && i == 0;
        let text = ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .description(Some(if from_path {
                format!("{}; taken from the path", column.zh)
            } else {
                column.zh.to_string()
            }));
        object = object.property(column.en, text);
        if column.required && !from_path {
            object = object.required(column.en);
        }
    }
    object.into()
}

macro_rules! row {
    ($name:ident, $spec:expr, $key_in_path:expr, $description:literal) => {
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                row_schema(&$spec, $key_in_path, $description)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// A new household: its households.csv row and its members (one of them the head), registered
/// as one; each member's `household_id` may be left out (it is the household's).
pub struct NewHousehold;

impl utoipa::PartialSchema for NewHousehold {
    fn schema() -> RefOr<Schema> {
        let RefOr::T(Schema::Object(mut object)) = row_schema(
            &HOUSEHOLDS,
            false,
            "A households.csv row: column → text, with `members`, the household's members.",
        ) else {
            unreachable!("row_schema builds an object")
        };
        let members = ArrayBuilder::new()
            .items(row_schema(
                &MEMBERS,
                true,
                "A members.csv row; the household is this one.",
            ))
            .min_items(Some(1))
            .max_items(Some(MAX_MEMBERS_IN_ONE_CHANGE));
        object.properties.insert("members".into(), members.into());
        object.required.push("members".into());
        object.into()
    }
}

impl utoipa::ToSchema for NewHousehold {}

/// The most members one request may carry: a household, not a village.
pub const MAX_MEMBERS_IN_ONE_CHANGE: usize = 50;

/// One member, or several saved together — the new head and the former head, so that the
/// household has exactly one head before and after.
pub struct MemberRows;

impl utoipa::PartialSchema for MemberRows {
    fn schema() -> RefOr<Schema> {
        let one = || {
            row_schema(
                &MEMBERS,
                true,
                "A members.csv row: column → text; the member is found by identity number.",
            )
        };
        let many = ArrayBuilder::new()
            .items(one())
            .min_items(Some(1))
            .max_items(Some(MAX_MEMBERS_IN_ONE_CHANGE));
        OneOfBuilder::new()
            .item(one())
            .item(many)
            .description(Some(
                "One member, or several changed together (a new head with the former head).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for MemberRows {}
row!(
    HouseholdChange,
    HOUSEHOLDS,
    true,
    "A households.csv row: column → text."
);
row!(
    IncomeRow,
    INCOMES,
    true,
    "An incomes.csv row: column → text; the income is found by year."
);
row!(
    UnitPairingRow,
    UNIT_VILLAGE_PAIRINGS,
    false,
    "A unit_village_pairings.csv row: column → text."
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use utoipa::openapi::path::ParameterIn;

    /// Two parts naming different schemas alike lose one of them silently in the merge (the
    /// coverage and industry gap lists once did, and the industry answer broke its schema).
    #[test]
    fn schema_names_are_unique_across_parts() {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for part in parts() {
            for (name, schema) in part.components.map(|c| c.schemas).unwrap_or_default() {
                let text = serde_json::to_string(&schema).unwrap();
                if let Some(before) = seen.insert(name.clone(), text.clone()) {
                    assert_eq!(before, text, "two schemas named {name}");
                }
            }
        }
    }

    /// Every `{x}` of a path is a declared path parameter of each of its operations, and no
    /// operation declares a path parameter its path does not have.
    #[test]
    fn path_parameters_are_declared() {
        let doc = document();
        assert!(doc.paths.paths.len() > 20);
        for (path, item) in &doc.paths.paths {
            let mut wanted: Vec<&str> = path
                .split('{')
                .skip(1)
                .filter_map(|s| s.split('}').next())
                .collect();
            wanted.sort_unstable();
            let operations = [&item.get, &item.put, &item.post, &item.delete, &item.patch];
            for operation in operations.into_iter().flatten() {
                let mut declared: Vec<&str> = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| p.parameter_in == ParameterIn::Path)
                    .map(|p| p.name.as_str())
                    .collect();
                declared.sort_unstable();
                assert_eq!(declared, wanted, "path parameters of {path}");
            }
        }
    }

    /// Errors are problem details: every 4xx refers to one of the reusable problem answers, and
    /// every operation says that a caller without a token gets 401.
    #[test]
    fn errors_are_problem_details() {
        let doc = serde_json::to_value(document()).unwrap();
        let responses = doc["components"]["responses"].as_object().unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let answers = operation["responses"].as_object().unwrap();
                assert!(answers.contains_key("401"), "{method} {path} lacks 401");
                for (status, answer) in answers.iter().filter(|(s, _)| s.starts_with('4')) {
                    let name = answer["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/responses/"))
                        .unwrap_or_else(|| panic!("{method} {path} {status} is no problem"));
                    assert!(responses.contains_key(name), "{name} is not a component");
                }
            }
        }
    }
}
