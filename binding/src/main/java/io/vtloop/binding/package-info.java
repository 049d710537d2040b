/**
 * The FFM binding of {@code libvtloop-poller.so}: the epoll readiness poller
 * ({@link io.vtloop.binding.EpollPoller}) and the io_uring ring ({@link io.vtloop.binding.IoUring}).
 */
package io.vtloop.binding;
