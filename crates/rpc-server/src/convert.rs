//! The runtime's records in the API's shapes.

use plexus_rpc::types::{self, AxonEndpoint, EventRecord, TxError};
use plexus_runtime::{AxonInfo, DispatchError, Event, Phase};
use std::net::{Ipv4Addr, Ipv6Addr};

pub(crate) use plexus_runtime::rao_per_alpha as price_rao;

pub(crate) fn tx_error(error: &DispatchError) -> TxError {
    TxError {
        kind: error.kind().name().to_string(),
        message: error.to_string(),
    }
}

/// A call's snake_case name, e.g. `transfer`, `add_stake`.
pub(crate) fn call_name(call: &plexus_runtime::Call) -> String {
    call.name().to_string()
}

pub(crate) fn axon(info: &AxonInfo) -> AxonEndpoint {
    let ip = if info.ip_type == 6 {
        Ipv6Addr::from(info.ip).to_string()
    } else {
        Ipv4Addr::from(u32::try_from(info.ip & u128::from(u32::MAX)).unwrap_or(0)).to_string()
    };
    AxonEndpoint {
        block: info.block,
        version: info.version,
        ip,
        port: info.port,
        ip_type: info.ip_type,
        protocol: info.protocol,
    }
}

pub(crate) fn phase(p: Phase) -> types::Phase {
    match p {
        Phase::Initialization => types::Phase::Initialization,
        Phase::Transaction(i) => types::Phase::Transaction(i),
        Phase::Finalization => types::Phase::Finalization,
    }
}

pub(crate) fn record(p: Phase, e: &Event) -> EventRecord {
    EventRecord {
        phase: phase(p),
        event: event(e),
    }
}

/// Every event in the API's shape; the match is exhaustive so a new runtime event cannot be
/// forgotten here.
pub(crate) fn event(e: &Event) -> types::Event {
    use types::Event as T;
    match e.clone() {
        Event::FeePaid { who, fee } => T::FeePaid { who, fee },
        Event::TransactionSucceeded { hash } => T::TransactionSucceeded { hash },
        Event::TransactionFailed { hash, error } => T::TransactionFailed {
            hash,
            error: tx_error(&error),
        },
        Event::Transfer { from, to, amount } => T::Transfer { from, to, amount },
        Event::AccountReaped { account, dust } => T::AccountReaped { account, dust },
        Event::NetworkAdded {
            netuid,
            owner,
            lock,
        } => T::NetworkAdded {
            netuid,
            owner,
            lock,
        },
        Event::NetworkRemoved {
            netuid,
            refunded,
            burned,
        } => T::NetworkRemoved {
            netuid,
            refunded,
            burned,
        },
        Event::FirstEmissionBlockSet { netuid, block } => {
            T::FirstEmissionBlockSet { netuid, block }
        }
        Event::SubnetIdentitySet { netuid } => T::SubnetIdentitySet { netuid },
        Event::IdentitySet { coldkey } => T::IdentitySet { coldkey },
        Event::HyperparameterSet { netuid, value } => T::HyperparameterSet { netuid, value },
        Event::ChainParamsSet { params } => T::ChainParamsSet { params },
        Event::GovernanceKeyChanged { new } => T::GovernanceKeyChanged { new },
        Event::NeuronRegistered {
            netuid,
            uid,
            hotkey,
            replaced,
            burned,
        } => T::NeuronRegistered {
            netuid,
            uid,
            hotkey,
            replaced,
            burned,
        },
        Event::AxonServed { netuid, hotkey } => T::AxonServed { netuid, hotkey },
        Event::WeightsSet { netuid, uid } => T::WeightsSet { netuid, uid },
        Event::WeightsCommitted {
            netuid,
            hotkey,
            hash,
        } => T::WeightsCommitted {
            netuid,
            hotkey,
            hash,
        },
        Event::TimelockedWeightsCommitted {
            netuid,
            hotkey,
            reveal,
        } => T::TimelockedWeightsCommitted {
            netuid,
            hotkey,
            reveal,
        },
        Event::TimelockedWeightsRevealed {
            netuid,
            hotkey,
            reveal,
        } => T::TimelockedWeightsRevealed {
            netuid,
            hotkey,
            reveal,
        },
        Event::TimelockedWeightsDropped {
            netuid,
            hotkey,
            reveal,
            reason,
        } => T::TimelockedWeightsDropped {
            netuid,
            hotkey,
            reveal,
            reason,
        },
        Event::TimelockedCommitmentRevealed {
            netuid,
            hotkey,
            reveal,
        } => T::TimelockedCommitmentRevealed {
            netuid,
            hotkey,
            reveal,
        },
        Event::TimelockedCommitmentDropped {
            netuid,
            hotkey,
            reveal,
        } => T::TimelockedCommitmentDropped {
            netuid,
            hotkey,
            reveal,
        },
        Event::WeightsRevealed {
            netuid,
            hotkey,
            hash,
        } => T::WeightsRevealed {
            netuid,
            hotkey,
            hash,
        },
        Event::StakeAdded {
            coldkey,
            hotkey,
            netuid,
            tao,
            alpha,
        } => T::StakeAdded {
            coldkey,
            hotkey,
            netuid,
            tao,
            alpha,
        },
        Event::StakeRemoved {
            coldkey,
            hotkey,
            netuid,
            tao,
            alpha,
        } => T::StakeRemoved {
            coldkey,
            hotkey,
            netuid,
            tao,
            alpha,
        },
        Event::StakeMoved {
            from_coldkey,
            from_hotkey,
            from_netuid,
            to_coldkey,
            to_hotkey,
            to_netuid,
            alpha,
        } => T::StakeMoved {
            from_coldkey,
            from_hotkey,
            from_netuid,
            to_coldkey,
            to_hotkey,
            to_netuid,
            alpha,
        },
        Event::DelegateTakeSet { hotkey, take } => T::DelegateTakeSet { hotkey, take },
        Event::RootClaimed {
            coldkey,
            hotkey,
            netuid,
            alpha,
            tao,
        } => T::RootClaimed {
            coldkey,
            hotkey,
            netuid,
            alpha,
            tao,
        },
        Event::ChildrenScheduled {
            hotkey,
            netuid,
            children,
            cooldown_block,
        } => T::ChildrenScheduled {
            hotkey,
            netuid,
            children,
            cooldown_block,
        },
        Event::ChildrenSet {
            hotkey,
            netuid,
            children,
        } => T::ChildrenSet {
            hotkey,
            netuid,
            children,
        },
        Event::ChildrenDropped {
            hotkey,
            netuid,
            error,
        } => T::ChildrenDropped {
            hotkey,
            netuid,
            error: tx_error(&error),
        },
        Event::ChildkeyTakeSet {
            hotkey,
            netuid,
            take,
        } => T::ChildkeyTakeSet {
            hotkey,
            netuid,
            take,
        },
        Event::SymbolUpdated { netuid, symbol } => T::SymbolUpdated { netuid, symbol },
        Event::ProxyAdded {
            real,
            delegate,
            proxy_type,
            delay,
        } => T::ProxyAdded {
            real,
            delegate,
            proxy_type,
            delay,
        },
        Event::ProxyRemoved {
            real,
            delegate,
            proxy_type,
            delay,
        } => T::ProxyRemoved {
            real,
            delegate,
            proxy_type,
            delay,
        },
        Event::ProxyExecuted {
            real,
            delegate,
            error,
        } => T::ProxyExecuted {
            real,
            delegate,
            error: error.as_ref().map(tx_error),
        },
        Event::ProxyAnnounced {
            real,
            delegate,
            call_hash,
        } => T::ProxyAnnounced {
            real,
            delegate,
            call_hash,
        },
        Event::BatchInterrupted { index, error } => T::BatchInterrupted {
            index,
            error: tx_error(&error),
        },
        Event::BatchItemFailed { index, error } => T::BatchItemFailed {
            index,
            error: tx_error(&error),
        },
        Event::BatchCompleted { errors } => T::BatchCompleted { errors },
        Event::ValidatorAnnounced {
            key,
            owner,
            address,
        } => T::ValidatorAnnounced {
            key: plexus_primitives::H256(key.0),
            owner,
            address,
        },
        Event::ValidatorRetired { key } => T::ValidatorRetired {
            key: plexus_primitives::H256(key.0),
        },
        Event::ValidatorsScheduled { count } => T::ValidatorsScheduled { count },
        Event::CommitteeFixed { epoch, validators } => T::CommitteeFixed { epoch, validators },
        Event::PureCreated {
            pure,
            spawner,
            proxy_type,
            index,
        } => T::PureCreated {
            pure,
            spawner,
            proxy_type,
            index,
        },
        Event::PureKilled { pure, spawner } => T::PureKilled { pure, spawner },
        Event::ColdkeySwapAnnounced {
            coldkey,
            new_coldkey_hash,
            when,
        } => T::ColdkeySwapAnnounced {
            coldkey,
            new_coldkey_hash,
            when,
        },
        Event::ColdkeySwapDisputed { coldkey } => T::ColdkeySwapDisputed { coldkey },
        Event::ColdkeySwapCleared { coldkey } => T::ColdkeySwapCleared { coldkey },
        Event::ColdkeySwapped { old, new } => T::ColdkeySwapped { old, new },
        Event::HotkeySwapped {
            coldkey,
            old,
            new,
            netuid,
        } => T::HotkeySwapped {
            coldkey,
            old,
            new,
            netuid,
        },
        Event::CommitmentSet {
            netuid,
            hotkey,
            bonds_reset,
        } => T::CommitmentSet {
            netuid,
            hotkey,
            bonds_reset,
        },
        Event::RootClaimTypeSet {
            coldkey,
            claim_type,
        } => T::RootClaimTypeSet {
            coldkey,
            claim_type,
        },
        Event::EpochRun {
            netuid,
            epoch,
            emission,
        } => T::EpochRun {
            netuid,
            epoch,
            emission,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_price_rao() {
        assert_eq!(price_rao(1 << 64), 1_000_000_000);
        assert_eq!(price_rao(1 << 63), 500_000_000);
        assert_eq!(price_rao(0), 0);
        assert_eq!(price_rao(u128::MAX), u64::MAX);
    }

    #[test]
    fn test_axon_ip_text() {
        let v4 = AxonInfo {
            ip: u128::from(u32::from(Ipv4Addr::new(10, 1, 2, 3))),
            ip_type: 4,
            ..AxonInfo::default()
        };
        assert_eq!(axon(&v4).ip, "10.1.2.3");
        let v6 = AxonInfo {
            ip: u128::from(Ipv6Addr::LOCALHOST),
            ip_type: 6,
            ..AxonInfo::default()
        };
        assert_eq!(axon(&v6).ip, "::1");
    }
}
