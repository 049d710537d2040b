package io.vtloop.bench.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * TechEmpower-style plaintext: {@code GET /plaintext} answers "Hello, World!", anything else
 * 404; responses are written per request and flushed once per read burst (pipelining).
 */
final class PlaintextHandler extends ChannelInboundHandlerAdapter {

    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    private static final CharSequence SERVER = AsciiString.cached("netty");
    private static volatile long dateSecond;
    private static volatile CharSequence date = "";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            ReferenceCountUtil.release(msg); // request bodies (HttpContent) are not used
            return;
        }
        boolean found = request.uri().equals("/plaintext");
        FullHttpResponse response = found
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate(), false)
                : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
        response.headers()
                .set(HttpHeaderNames.SERVER, SERVER)
                .set(HttpHeaderNames.DATE, date())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ReferenceCountUtil.release(msg);
        if (HttpUtil.isKeepAlive(request)) {
            ctx.write(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** The RFC 1123 date, re-rendered at most once per second. */
    private static CharSequence date() {
        long now = System.currentTimeMillis() / 1000;
        if (now != dateSecond) {
            date = AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
            dateSecond = now;
        }
        return date;
    }
}
