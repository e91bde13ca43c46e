//! A value sent field by field: each field travels as the change of its own shape (whole, a keyed list entry
//! by entry, a series by what it gained), declared once with [`field_parts!`], which writes the struct of the
//! changed fields, the change between two values and how to apply it.

use super::{DeltaError, Entry, InPlace, ListDelta, Parts, Series, Whole, whole};

/// The change to one field, in the shape that field travels in.
pub trait FieldDelta<T>: Sized {
    /// What turns `old` into `new` (unchanged when they are equal).
    fn between(old: &T, new: &T) -> Self;
    /// Nothing to send: the field is left out of the encoding.
    fn unchanged(&self) -> bool;
    fn apply(self, field: &mut T) -> Result<(), DeltaError>;
}

/// A change there is or is not: a field sent whole, a list changed entry by entry, a series shifted. A field
/// travels as `Option` of one, absent when it did not change.
pub trait Change<T>: Sized {
    fn between(old: &T, new: &T) -> Option<Self>;
    fn apply(self, field: &mut T) -> Result<(), DeltaError>;
}

impl<T, C: Change<T>> FieldDelta<T> for Option<C> {
    fn between(old: &T, new: &T) -> Self {
        C::between(old, new)
    }
    fn unchanged(&self) -> bool {
        self.is_none()
    }
    fn apply(self, field: &mut T) -> Result<(), DeltaError> {
        self.map_or(Ok(()), |change| change.apply(field))
    }
}

impl<T: PartialEq + Clone> Change<T> for Whole<T> {
    fn between(old: &T, new: &T) -> Option<Self> {
        whole(old, new)
    }
    fn apply(self, field: &mut T) -> Result<(), DeltaError> {
        *field = self.value;
        Ok(())
    }
}

impl<T: Entry, P: Parts<T>> Change<Vec<T>> for InPlace<T::Key, T, P> {
    fn between(old: &Vec<T>, new: &Vec<T>) -> Option<Self> {
        InPlace::between(old, new)
    }
    fn apply(self, field: &mut Vec<T>) -> Result<(), DeltaError> {
        InPlace::apply(self, field)
    }
}

impl Change<Vec<u64>> for Series {
    fn between(old: &Vec<u64>, new: &Vec<u64>) -> Option<Self> {
        Series::between(old, new)
    }
    fn apply(self, field: &mut Vec<u64>) -> Result<(), DeltaError> {
        Series::apply(self, field)
    }
}

/// A keyed list changes entry by entry; an empty change is left out of the encoding.
impl<T: Entry> FieldDelta<Vec<T>> for ListDelta<T::Key, T> {
    fn between(old: &Vec<T>, new: &Vec<T>) -> Self {
        ListDelta::between(old, new)
    }
    fn unchanged(&self) -> bool {
        self.is_empty()
    }
    fn apply(self, field: &mut Vec<T>) -> Result<(), DeltaError> {
        ListDelta::apply(self, field)
    }
}

/// Declares `struct $parts for $view by $key: K { field: Delta, … }`: the fields of `$view` that changed,
/// each as its [`FieldDelta`] (left out of the encoding when unchanged), and the key, if any, always (an entry
/// of a list with a key is then the [`Parts`] of its list). `between_fields` and `apply_fields` name every field
/// of `$view`: a field added to `$view` does not compile until it has its line here.
macro_rules! field_parts {
    (
        $(#[$attr:meta])*
        pub struct $parts:ident for $view:ident $(by $key:ident: $key_ty:ty)? {
            $($(#[$field_attr:meta])* $field:ident: $delta:ty,)*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $parts {
            $(pub $key: $key_ty,)?
            $(
                $(#[$field_attr])*
                #[serde(default, skip_serializing_if = "super::fields::FieldDelta::unchanged")]
                pub $field: $delta,
            )*
        }

        impl $parts {
            /// What turns `old` into `new`, field by field.
            fn between_fields(old: &$view, new: &$view) -> $parts {
                let $view { $($key,)? $($field,)* } = new;
                $parts {
                    $($key: $key.clone(),)?
                    $($field: super::fields::FieldDelta::between(&old.$field, $field),)*
                }
            }

            /// Brings `view` up to the newer value, field by field.
            fn apply_fields(self, view: &mut $view) -> Result<(), DeltaError> {
                let $parts { $($key: _,)? $($field,)* } = self;
                $(super::fields::FieldDelta::apply($field, &mut view.$field)?;)*
                Ok(())
            }
        }

        $(
            impl super::Parts<$view> for $parts {
                fn between(old: &$view, new: &$view) -> $parts {
                    $parts::between_fields(old, new)
                }
                fn key(&self) -> &$key_ty {
                    &self.$key
                }
                fn apply(self, entry: &mut $view) -> Result<(), DeltaError> {
                    self.apply_fields(entry)
                }
            }
        )?
    };
}

pub(super) use field_parts;

/// `impl Entry` for a view whose key is one of its fields, and whose entries are the same when equal.
macro_rules! keyed_by {
    ($($view:ty: $key:ident as $key_ty:ty),* $(,)?) => {$(
        impl Entry for $view {
            type Key = $key_ty;
            fn key(&self) -> $key_ty {
                self.$key.clone()
            }
            fn same(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}

pub(super) use keyed_by;
