//! The Python types of a synapse's fields, as its pydantic class declares them, and the Rust
//! types that stand for each.

use std::collections::{BTreeMap, HashMap};

/// A field type of a Python synapse class.
#[derive(Debug, Clone, PartialEq)]
pub enum PyType {
    /// `int`.
    Int,
    /// `float`.
    Float,
    /// `bool`.
    Bool,
    /// `str`.
    Str,
    /// `bytes` (sent as a JSON string, its UTF-8).
    Bytes,
    /// `Optional[T]`.
    Optional(Box<PyType>),
    /// `List[T]`.
    List(Box<PyType>),
    /// `Tuple[T1, T2, …]`: exactly these elements.
    Tuple(Vec<PyType>),
    /// `Tuple[T, ...]`: any number of `T`.
    TupleOf(Box<PyType>),
    /// `Dict[K, V]`; `K` is `Int` or `Str`.
    Dict(Box<PyType>, Box<PyType>),
    /// A nested pydantic model.
    Model(Model),
    /// `class NAME(str, Enum)`.
    StrEnum(StrEnum),
    /// Undeclared: the value as JSON gives it (a synapse that declares no field types).
    Any,
}

/// A pydantic model's fields, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The fields.
    pub fields: Vec<Field>,
}

/// A `(str, Enum)` class: its name and its members' names and values.
#[derive(Debug, Clone, PartialEq)]
pub struct StrEnum {
    /// The class name (`str()` of a member is `NAME.MEMBER`).
    pub name: String,
    /// `(member name, value)` in declaration order.
    pub members: Vec<(String, String)>,
}

/// One declared field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: PyType,
    /// Its default as JSON, when it has one; a field without one is required. `Optional`
    /// fields default to `null`.
    pub default: Option<String>,
}

impl Field {
    /// The field `name` of the Python type `T` stands for; required unless `T` is an
    /// `Option`.
    pub fn of<T: PyField>(name: &str) -> Self {
        let ty = T::py_type();
        let default = matches!(ty, PyType::Optional(_)).then(|| "null".to_string());
        Self {
            name: name.to_string(),
            ty,
            default,
        }
    }

    /// The same field with a default, written as JSON (`[]`, `0`, `"text"`).
    pub fn default(mut self, json: &str) -> Self {
        self.default = Some(json.to_string());
        self
    }
}

/// A Rust type that stands for a Python one in a synapse.
pub trait PyField {
    /// The Python type.
    fn py_type() -> PyType;
}

macro_rules! py_field {
    ($ty:expr => $($rust:ty),*) => {
        $(impl PyField for $rust {
            fn py_type() -> PyType {
                $ty
            }
        })*
    };
}

py_field!(PyType::Int => i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
py_field!(PyType::Float => f32, f64);
py_field!(PyType::Bool => bool);
py_field!(PyType::Str => String);

/// Python's `bytes`: on the wire a JSON string, whose UTF-8 the bytes are.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PyBytes(pub String);

py_field!(PyType::Bytes => PyBytes);

impl<T: PyField> PyField for Option<T> {
    fn py_type() -> PyType {
        PyType::Optional(Box::new(T::py_type()))
    }
}

impl<T: PyField> PyField for Vec<T> {
    fn py_type() -> PyType {
        PyType::List(Box::new(T::py_type()))
    }
}

impl<K: PyField, V: PyField> PyField for BTreeMap<K, V> {
    fn py_type() -> PyType {
        PyType::Dict(Box::new(K::py_type()), Box::new(V::py_type()))
    }
}

impl<K: PyField, V: PyField, H> PyField for HashMap<K, V, H> {
    fn py_type() -> PyType {
        PyType::Dict(Box::new(K::py_type()), Box::new(V::py_type()))
    }
}

macro_rules! py_tuple {
    ($($name:ident),+) => {
        impl<$($name: PyField),+> PyField for ($($name,)+) {
            fn py_type() -> PyType {
                PyType::Tuple(vec![$($name::py_type()),+])
            }
        }
    };
}

py_tuple!(A);
py_tuple!(A, B);
py_tuple!(A, B, C);
py_tuple!(A, B, C, D);

impl PyField for serde_json::Value {
    fn py_type() -> PyType {
        PyType::Any
    }
}
