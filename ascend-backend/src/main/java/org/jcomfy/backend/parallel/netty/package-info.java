/**
 * The process group over the network: ranks in other JVMs or hosts, joined by Netty.
 * {@link org.jcomfy.backend.parallel.netty.NettyMesh} makes and holds the connections (rank 0 hosts
 * the rendezvous, the ranks then form a full mesh);
 * {@link org.jcomfy.backend.parallel.netty.NettyProcessGroup} runs the collectives over it;
 * {@code FrameCodec} is the versioned binary frame format and {@code Inbox} what has arrived and
 * who waits for it, every wait with a deadline.
 *
 * <pre>
 * NettyMesh mesh = NettyMesh.host(new InetSocketAddress(port), 3, MeshOptions.DEFAULTS);      // rank 0
 * NettyMesh mesh = NettyMesh.join(new InetSocketAddress(host, port), rank, 3, MeshOptions.DEFAULTS); // ranks 1, 2
 * ProcessGroup world = mesh.world();   // waits for the rendezvous
 * ...
 * mesh.fail(new ProcessGroupException("rank " + rank + " failed: " + e, e));   // when this rank's own work fails
 * mesh.close();                                                                 // says goodbye
 * </pre>
 */
package org.jcomfy.backend.parallel.netty;
