package io.vtloop.runtime;

import java.util.Arrays;

/**
 * A carrier's pending {@link CarrierTimer}s: a binary min-heap on the deadline with each
 * timer's index kept in the timer, so removal on cancel is O(log n). Owner carrier only.
 */
final class TimerHeap {
    private CarrierTimer[] heap = new CarrierTimer[64];
    private int size;

    int size() { return size; }

    CarrierTimer peek() { return size == 0 ? null : heap[0]; }

    void add(CarrierTimer t) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = t;
        t.heapIndex = size;
        up(size++);
    }

    /** Removes {@code t} if present. */
    void remove(CarrierTimer t) {
        int i = t.heapIndex;
        if (i < 0 || i >= size || heap[i] != t) return;
        t.heapIndex = -1;
        CarrierTimer last = heap[--size];
        heap[size] = null;
        if (i == size) return;
        heap[i] = last;
        last.heapIndex = i;
        down(i);
        up(last.heapIndex);
    }

    CarrierTimer poll() {
        CarrierTimer t = peek();
        if (t != null) remove(t);
        return t;
    }

    private void up(int i) {
        CarrierTimer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            CarrierTimer parent = heap[p];
            if (parent.deadline - t.deadline <= 0) break;
            heap[i] = parent;
            parent.heapIndex = i;
            i = p;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void down(int i) {
        CarrierTimer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1, r = c + 1;
            if (r < size && heap[r].deadline - heap[c].deadline < 0) c = r;
            if (t.deadline - heap[c].deadline <= 0) break;
            heap[i] = heap[c];
            heap[i].heapIndex = i;
            i = c;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
