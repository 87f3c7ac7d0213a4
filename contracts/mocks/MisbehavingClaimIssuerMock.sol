// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MisbehavingClaimIssuerMock
/// @notice Test-only claim issuer that accepts every claim until told to misbehave: then its revocation
/// and validity answers revert, or come back as a word that is not a boolean. Shows that the identity
/// registry treats such an issuer's claims as not valid instead of reverting or trusting them.
contract MisbehavingClaimIssuerMock {
    /// @notice How the issuer answers.
    enum Mode {
        Honest,
        Reverts,
        Garbage
    }

    /// @notice The issuer is "down" (mode Reverts).
    error IssuerDown();

    /// @notice The current mode.
    Mode public mode;

    /// @notice Switches the mode.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice ONCHAINID `isClaimValid`: true while honest.
    function isClaimValid(address, uint256, bytes calldata, bytes calldata) external view returns (bool) {
        _misbehave();
        return true;
    }

    /// @notice ONCHAINID `isClaimRevoked`: false while honest.
    function isClaimRevoked(bytes calldata) external view returns (bool) {
        _misbehave();
        return false;
    }

    function _misbehave() private view {
        if (mode == Mode.Reverts) revert IssuerDown();
        if (mode == Mode.Garbage) {
            assembly {
                mstore(0x00, 2)
                return(0x00, 0x20)
            }
        }
    }
}
