/** The native readiness poller and its FFM binding. */
package io.vtloop.binding;
