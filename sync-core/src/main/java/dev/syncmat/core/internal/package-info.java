/**
 * Implementation details shared between packages of the library. Public only because Java has no
 * other way to share them across packages: <strong>not API</strong>, may change in any release.
 */
package dev.syncmat.core.internal;
