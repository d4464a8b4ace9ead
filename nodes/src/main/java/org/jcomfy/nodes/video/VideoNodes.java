package org.jcomfy.nodes.video;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** The animation and video output nodes. */
public final class VideoNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new SaveAnimatedWebp(), new SaveAnimatedPng(), new SaveWebm(), new CreateVideo(), new SaveVideo());
    }
}
