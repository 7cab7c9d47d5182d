//! The types the metadata declares, with the paths Bittensor's clients look types up by
//! (`sp_core::crypto::AccountId32`, `sp_runtime::multiaddress::MultiAddress`, …).

use parity_scale_codec::{Compact, Decode, Encode};
use plexus_primitives::AccountId;
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo};

/// An account: 32 bytes, shown by the clients as an SS58 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub(crate) struct AccountId32(pub(crate) [u8; 32]);

impl From<AccountId> for AccountId32 {
    fn from(account: AccountId) -> Self {
        Self(account.0)
    }
}

impl From<AccountId32> for AccountId {
    fn from(account: AccountId32) -> Self {
        AccountId(account.0)
    }
}

impl TypeInfo for AccountId32 {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("AccountId32", "sp_core::crypto"))
            .composite(Fields::unnamed().field(|f| f.ty::<[u8; 32]>().type_name("[u8; 32]")))
    }
}

/// A 32-byte hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode)]
pub(crate) struct H256(pub(crate) [u8; 32]);

impl TypeInfo for H256 {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("H256", "primitive_types"))
            .composite(Fields::unnamed().field(|f| f.ty::<[u8; 32]>().type_name("[u8; 32]")))
    }
}

/// How a call names an account.
pub(crate) struct MultiAddress;

impl TypeInfo for MultiAddress {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("MultiAddress", "sp_runtime::multiaddress"))
            .variant(
                Variants::new()
                    .variant("Id", |v| {
                        v.index(0)
                            .fields(Fields::unnamed().field(|f| f.ty::<AccountId32>()))
                    })
                    .variant("Index", |v| {
                        v.index(1)
                            .fields(Fields::unnamed().field(|f| f.ty::<Compact<()>>()))
                    })
                    .variant("Raw", |v| {
                        v.index(2)
                            .fields(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
                    })
                    .variant("Address32", |v| {
                        v.index(3)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 32]>()))
                    })
                    .variant("Address20", |v| {
                        v.index(4)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 20]>()))
                    }),
            )
    }
}

/// What a root staker's dividends become when claimed (`set_root_claim_type`'s argument).
pub(crate) struct RootClaimTypeEnum;

impl TypeInfo for RootClaimTypeEnum {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("RootClaimTypeEnum", "pallet_subtensor::pallet"))
            .variant(
                Variants::new()
                    .variant("Swap", |v| v.index(0))
                    .variant("Keep", |v| v.index(1))
                    .variant("KeepSubnets", |v| {
                        v.index(2).fields(Fields::named().field(|f| {
                            f.ty::<Vec<u16>>()
                                .name("subnets")
                                .type_name("BTreeSet<NetUid>")
                        }))
                    }),
            )
    }
}

/// A signature of any of the three schemes.
pub(crate) struct MultiSignature;

impl TypeInfo for MultiSignature {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("MultiSignature", "sp_runtime"))
            .variant(
                Variants::new()
                    .variant("Ed25519", |v| {
                        v.index(0)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 64]>()))
                    })
                    .variant("Sr25519", |v| {
                        v.index(1)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 64]>()))
                    })
                    .variant("Ecdsa", |v| {
                        v.index(2)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 65]>()))
                    }),
            )
    }
}

/// A transaction's mortality: `Immortal`, or `MortalN(u8)` for N in 1..=255.
pub(crate) struct Era;

impl TypeInfo for Era {
    type Identity = Self;
    fn type_info() -> Type {
        let mut variants = Variants::new().variant_unit("Immortal", 0);
        for n in 1..=255u8 {
            variants = variants.variant(MORTAL[usize::from(n)], move |v| {
                v.index(n).fields(Fields::unnamed().field(|f| f.ty::<u8>()))
            });
        }
        Type::builder()
            .path(Path::new("Era", "sp_runtime::generic::era"))
            .variant(variants)
    }
}

/// The names of `Era`'s variants, by index; scale-info takes `'static` names.
#[rustfmt::skip]
const MORTAL: [&str; 256] = ["Immortal", "Mortal1", "Mortal2", "Mortal3", "Mortal4", "Mortal5", "Mortal6", "Mortal7", "Mortal8", "Mortal9", "Mortal10", "Mortal11", "Mortal12", "Mortal13", "Mortal14", "Mortal15", "Mortal16", "Mortal17", "Mortal18", "Mortal19", "Mortal20", "Mortal21", "Mortal22", "Mortal23", "Mortal24", "Mortal25", "Mortal26", "Mortal27", "Mortal28", "Mortal29", "Mortal30", "Mortal31", "Mortal32", "Mortal33", "Mortal34", "Mortal35", "Mortal36", "Mortal37", "Mortal38", "Mortal39", "Mortal40", "Mortal41", "Mortal42", "Mortal43", "Mortal44", "Mortal45", "Mortal46", "Mortal47", "Mortal48", "Mortal49", "Mortal50", "Mortal51", "Mortal52", "Mortal53", "Mortal54", "Mortal55", "Mortal56", "Mortal57", "Mortal58", "Mortal59", "Mortal60", "Mortal61", "Mortal62", "Mortal63", "Mortal64", "Mortal65", "Mortal66", "Mortal67", "Mortal68", "Mortal69", "Mortal70", "Mortal71", "Mortal72", "Mortal73", "Mortal74", "Mortal75", "Mortal76", "Mortal77", "Mortal78", "Mortal79", "Mortal80", "Mortal81", "Mortal82", "Mortal83", "Mortal84", "Mortal85", "Mortal86", "Mortal87", "Mortal88", "Mortal89", "Mortal90", "Mortal91", "Mortal92", "Mortal93", "Mortal94", "Mortal95", "Mortal96", "Mortal97", "Mortal98", "Mortal99", "Mortal100", "Mortal101", "Mortal102", "Mortal103", "Mortal104", "Mortal105", "Mortal106", "Mortal107", "Mortal108", "Mortal109", "Mortal110", "Mortal111", "Mortal112", "Mortal113", "Mortal114", "Mortal115", "Mortal116", "Mortal117", "Mortal118", "Mortal119", "Mortal120", "Mortal121", "Mortal122", "Mortal123", "Mortal124", "Mortal125", "Mortal126", "Mortal127", "Mortal128", "Mortal129", "Mortal130", "Mortal131", "Mortal132", "Mortal133", "Mortal134", "Mortal135", "Mortal136", "Mortal137", "Mortal138", "Mortal139", "Mortal140", "Mortal141", "Mortal142", "Mortal143", "Mortal144", "Mortal145", "Mortal146", "Mortal147", "Mortal148", "Mortal149", "Mortal150", "Mortal151", "Mortal152", "Mortal153", "Mortal154", "Mortal155", "Mortal156", "Mortal157", "Mortal158", "Mortal159", "Mortal160", "Mortal161", "Mortal162", "Mortal163", "Mortal164", "Mortal165", "Mortal166", "Mortal167", "Mortal168", "Mortal169", "Mortal170", "Mortal171", "Mortal172", "Mortal173", "Mortal174", "Mortal175", "Mortal176", "Mortal177", "Mortal178", "Mortal179", "Mortal180", "Mortal181", "Mortal182", "Mortal183", "Mortal184", "Mortal185", "Mortal186", "Mortal187", "Mortal188", "Mortal189", "Mortal190", "Mortal191", "Mortal192", "Mortal193", "Mortal194", "Mortal195", "Mortal196", "Mortal197", "Mortal198", "Mortal199", "Mortal200", "Mortal201", "Mortal202", "Mortal203", "Mortal204", "Mortal205", "Mortal206", "Mortal207", "Mortal208", "Mortal209", "Mortal210", "Mortal211", "Mortal212", "Mortal213", "Mortal214", "Mortal215", "Mortal216", "Mortal217", "Mortal218", "Mortal219", "Mortal220", "Mortal221", "Mortal222", "Mortal223", "Mortal224", "Mortal225", "Mortal226", "Mortal227", "Mortal228", "Mortal229", "Mortal230", "Mortal231", "Mortal232", "Mortal233", "Mortal234", "Mortal235", "Mortal236", "Mortal237", "Mortal238", "Mortal239", "Mortal240", "Mortal241", "Mortal242", "Mortal243", "Mortal244", "Mortal245", "Mortal246", "Mortal247", "Mortal248", "Mortal249", "Mortal250", "Mortal251", "Mortal252", "Mortal253", "Mortal254", "Mortal255"];

/// A transaction as the clients find it by this path: its SCALE bytes, the length prefix
/// included.
pub(crate) struct UncheckedExtrinsic(pub Vec<u8>);

impl parity_scale_codec::Decode for UncheckedExtrinsic {
    fn decode<I: parity_scale_codec::Input>(
        input: &mut I,
    ) -> Result<Self, parity_scale_codec::Error> {
        let body = Vec::<u8>::decode(input)?;
        let length = u32::try_from(body.len()).map_err(|_| "an extrinsic too long")?;
        let mut bytes = Compact(length).encode();
        bytes.extend_from_slice(&body);
        Ok(Self(bytes))
    }
}

impl TypeInfo for UncheckedExtrinsic {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new(
                "UncheckedExtrinsic",
                "sp_runtime::generic::unchecked_extrinsic",
            ))
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
    }
}

/// `System.Account`'s value: the account's nonce and balances, as `frame_system` stores them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, TypeInfo)]
pub struct AccountInfo {
    /// Transactions the account has sent.
    pub nonce: u32,
    /// Modules depending on the account (0 here).
    pub consumers: u32,
    /// Whether the account exists (1 when it holds anything).
    pub providers: u32,
    /// 0 here.
    pub sufficients: u32,
    /// The balances.
    pub data: AccountData,
}

/// The balances of an account, in rao, as `pallet_balances` stores them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, TypeInfo)]
pub struct AccountData {
    /// Free balance.
    pub free: u64,
    /// Reserved (0 here).
    pub reserved: u64,
    /// Frozen (0 here).
    pub frozen: u64,
    /// Flags (the "new logic" bit as Substrate sets it).
    pub flags: u128,
}

/// Declares a fixed-point type as Substrate's `substrate_fixed` lays it out: one field named
/// `bits`, which the clients read and divide by 2 to the number of fractional bits.
macro_rules! fixed {
    ($(#[$doc:meta])* $name:ident($bits:ty) as $path:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Encode)]
        pub(crate) struct $name {
            pub(crate) bits: $bits,
        }

        impl TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> Type {
                Type::builder()
                    .path(Path::new($path, "substrate_fixed"))
                    .composite(Fields::named().field(|f| f.ty::<$bits>().name("bits")))
            }
        }
    };
}

fixed!(
    /// A signed number with 32 fractional bits in 128 (`I96F32`).
    I96F32(i128) as "FixedI128"
);
fixed!(
    /// A signed number with 64 fractional bits in 128 (`I64F64`).
    I64F64(i128) as "FixedI128"
);
fixed!(
    /// A signed number with 32 fractional bits in 64 (`I32F32`).
    I32F32(i64) as "FixedI64"
);
fixed!(
    /// An unsigned number with 64 fractional bits in 128 (`U64F64`).
    U64F64(u128) as "FixedU128"
);
