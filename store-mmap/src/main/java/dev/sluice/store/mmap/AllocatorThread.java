package dev.sluice.store.mmap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The thread that creates CommitLog files and faults their pages in ahead of the writer: runs tasks one at a time,
 * in order, and loses none to a late fault report.
 *
 * <p>Why not a single-thread executor: the JVM reports a fault on a mapped page (a disk another process filled)
 * as an InternalError thrown late, wherever the thread has got to by then. In a ThreadPoolExecutor it came out of
 * {@code beforeExecute}, after the worker had taken the next task off the queue, so that task (the next file's
 * creation) never ran and the writer waited for the file for good; every send after it was refused (a sweep on a
 * churning tmpfs). Here a task leaves the queue only once it has returned, and one that threw runs again, up to
 * {@link #ATTEMPTS} times. Every task given to it may run more than once: a CompletableFuture's async step completes
 * its future once, and a prefault touches again what is already there.
 */
final class AllocatorThread implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(AllocatorThread.class);
    static final int ATTEMPTS = 3;

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Thread thread;
    private boolean closed;

    AllocatorThread(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            if (closed) {
                throw new RejectedExecutionException("the store is closed");
            }
            tasks.addLast(task);
            tasks.notifyAll();
        }
    }

    /** Drops the tasks not started and stops the thread after the current one (interrupted). */
    void shutdownNow() {
        synchronized (tasks) {
            closed = true;
            tasks.clear();
            tasks.notifyAll();
        }
        thread.interrupt();
    }

    private void run() {
        Runnable failed = null;
        int failures = 0;
        while (true) {
            Runnable task = null;
            try {
                task = head();
                if (task == null) {
                    return;
                }
                if (task == failed && failures >= ATTEMPTS) {
                    LOG.error("dropping a file allocation task that failed {} times", failures);
                } else {
                    task.run();
                }
                remove(task);
                failed = null;
                failures = 0;
            } catch (InterruptedException e) {
                // shutdownNow: head() says whether to stop
            } catch (RuntimeException | Error e) {
                if (task != null && task == failed) {
                    failures++;
                } else {
                    failed = task;
                    failures = 1;
                }
                if (failures == 1) {
                    LOG.warn("file allocation task failed; running it again", e);
                }
            }
        }
    }

    /** The first task, left in the queue; null once closed. */
    private Runnable head() throws InterruptedException {
        synchronized (tasks) {
            while (tasks.isEmpty() && !closed) {
                tasks.wait();
            }
            return closed ? null : tasks.peekFirst();
        }
    }

    private void remove(Runnable task) {
        synchronized (tasks) {
            if (tasks.peekFirst() == task) {
                tasks.pollFirst();
            }
        }
    }
}
