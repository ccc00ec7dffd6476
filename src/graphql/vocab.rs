//! Exposes the domain's vocabularies as GraphQL enums, each value described by its French label,
//! without a second list of values: one generic implementation reads `Vocabulary::ALL`.

use std::borrow::Cow;

use async_graphql::registry::{MetaEnumValue, MetaType, MetaTypeId, Registry};
use async_graphql::resolver_utils::{EnumItem, EnumType, enum_value, parse_enum};
use async_graphql::{
    ContextSelectionSet, InputType, InputValueResult, OutputType, Positioned, ServerResult, SimpleObject, Value,
};

use crate::domain::*;

macro_rules! graphql_vocabulary {
    ($($ty:ty),+ $(,)?) => {$(
        impl EnumType for $ty {
            fn items() -> &'static [EnumItem<Self>] {
                static ITEMS: std::sync::LazyLock<Vec<EnumItem<$ty>>> = std::sync::LazyLock::new(|| {
                    <$ty as Vocabulary>::ALL.iter().map(|value| EnumItem { name: value.code(), value: *value }).collect()
                });
                &ITEMS
            }
        }

        impl InputType for $ty {
            type RawValueType = Self;
            fn type_name() -> Cow<'static, str> {
                Cow::Borrowed(<$ty as Vocabulary>::NAME)
            }
            fn create_type_info(registry: &mut Registry) -> String {
                create_type_info::<$ty>(registry)
            }
            fn parse(value: Option<Value>) -> InputValueResult<Self> {
                parse_enum(value.unwrap_or_default())
            }
            fn to_value(&self) -> Value {
                enum_value(*self)
            }
            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }
        }

        impl OutputType for $ty {
            fn type_name() -> Cow<'static, str> {
                Cow::Borrowed(<$ty as Vocabulary>::NAME)
            }
            fn create_type_info(registry: &mut Registry) -> String {
                create_type_info::<$ty>(registry)
            }
            async fn resolve(&self, _: &ContextSelectionSet<'_>, _: &Positioned<async_graphql::parser::types::Field>) -> ServerResult<Value> {
                Ok(enum_value(*self))
            }
        }
    )+};
}

fn create_type_info<T: Vocabulary + InputType>(registry: &mut Registry) -> String {
    registry.create_input_type::<T, _>(MetaTypeId::Enum, |_| MetaType::Enum {
        name: T::NAME.to_owned(),
        description: Some(T::DESCRIPTION.trim().to_owned()),
        enum_values: T::ALL
            .iter()
            .map(|value| {
                (
                    value.code().to_owned(),
                    MetaEnumValue {
                        name: value.code().to_owned(),
                        description: Some(value.label().to_owned()),
                        deprecation: Default::default(),
                        visible: None,
                        inaccessible: false,
                        tags: Vec::new(),
                        directive_invocations: Vec::new(),
                    },
                )
            })
            .collect(),
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        rust_typename: Some(std::any::type_name::<T>()),
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    })
}

graphql_vocabulary!(
    OrganisationKind,
    Region,
    TerritoryLevel,
    TerritoryType,
    Theme,
    ActivityType,
    TargetPublic,
    SheetStatus,
    Phase,
    DocumentKind,
    FundingKind,
    Polarity,
    EvidenceLevel,
    LessonCategory,
    EvidenceRole,
    PublicationStatus,
    Role,
);

/// One value of a vocabulary, with the label to show people.
#[derive(SimpleObject)]
pub struct VocabularyValue {
    /// The enum value, as the API takes and returns it.
    pub code: &'static str,
    /// The French label.
    pub label: &'static str,
}

/// A controlled vocabulary and its values, for forms, facets and chart legends.
#[derive(SimpleObject)]
pub struct VocabularyList {
    /// The enum's name (`Theme`, `SheetStatus`…).
    pub name: &'static str,
    /// Every value of the vocabulary, in display order.
    pub values: Vec<VocabularyValue>,
}

fn list_of<T: Vocabulary>() -> VocabularyList {
    VocabularyList {
        name: T::NAME,
        values: T::ALL.iter().map(|value| VocabularyValue { code: value.code(), label: value.label() }).collect(),
    }
}

/// Returns every vocabulary with its French labels.
pub fn all_vocabularies() -> Vec<VocabularyList> {
    vec![
        list_of::<OrganisationKind>(),
        list_of::<Region>(),
        list_of::<TerritoryLevel>(),
        list_of::<TerritoryType>(),
        list_of::<Theme>(),
        list_of::<ActivityType>(),
        list_of::<TargetPublic>(),
        list_of::<SheetStatus>(),
        list_of::<Phase>(),
        list_of::<DocumentKind>(),
        list_of::<FundingKind>(),
        list_of::<Polarity>(),
        list_of::<EvidenceLevel>(),
        list_of::<LessonCategory>(),
        list_of::<EvidenceRole>(),
        list_of::<PublicationStatus>(),
        list_of::<Role>(),
    ]
}
