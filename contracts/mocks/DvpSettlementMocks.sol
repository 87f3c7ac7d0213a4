// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title CallbackTokenMock
/// @notice Test-only "token" for DvpSettlement: its `transferFrom` moves nothing and returns true, after
/// making one configured call (e.g. back into the settlement contract). A reverting call bubbles its
/// error; a successful call's return data is kept, so a test can see what the settlement contract
/// showed the token in the middle of a settlement.
contract CallbackTokenMock {
    address private _target;
    bytes private _data;

    /// @notice Return data of the last callback.
    bytes public lastReturnData;

    /// @notice Every `transferFrom` will call `target` with `data` first (an empty `data`: no call).
    function setCallback(address target, bytes calldata data) external {
        _target = target;
        _data = data;
    }

    /// @notice Makes the configured call, then reports success without moving anything.
    function transferFrom(address, address, uint256) external returns (bool) {
        if (_data.length != 0) lastReturnData = Address.functionCall(_target, _data);
        return true;
    }
}

/// @title ERC1271WalletMock
/// @notice Test-only contract wallet: a signature is valid when `signer` made it over the hash.
contract ERC1271WalletMock is IERC1271 {
    address private immutable _signer;

    /// @param signer_ the key whose ECDSA signatures the wallet accepts.
    constructor(address signer_) {
        _signer = signer_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == _signer ? this.isValidSignature.selector : bytes4(0);
    }
}
